"""MedusaJS bundle (spec §1.2): one credentials form shared by five integrations."""

from mercato_int.registry import IntegrationBundle, IntegrationDefinition

from .health import medusa_health_check

bundle = IntegrationBundle(
    id="sync_medusa",
    title="MedusaJS",
    description=(
        "Full bidirectional sync with MedusaJS — products, customers, orders, and inventory."
    ),
    icon="medusa",
    package="@open-mercato/sync-medusa",
    version="1.0.0",
    author="Open Mercato Team",
    docs_url="https://docs.medusajs.com",
    credentials={
        "fields": [
            {
                "key": "medusaApiUrl",
                "label": "Medusa API URL",
                "type": "url",
                "required": True,
                "placeholder": "https://api.mystore.com",
            },
            {"key": "medusaApiKey", "label": "API Key", "type": "secret", "required": True},
            {
                "key": "medusaWebhookSecret",
                "label": "Webhook Secret",
                "type": "secret",
                "required": True,
            },
        ]
    },
    health_check={"service": "medusaHealthCheck"},
)


def _member(
    id: str, title: str, description: str, category: str, hub: str, key: str, tags: list[str]
) -> IntegrationDefinition:
    return IntegrationDefinition(
        id=id,
        title=title,
        description=description,
        category=category,
        hub=hub,
        provider_key=key,
        bundle_id="sync_medusa",
        package="@open-mercato/sync-medusa",
        version="1.0.0",
        author="Open Mercato Team",
        tags=tags,
        credentials={"fields": []},  # inherits from the bundle
    )


integrations = [
    _member(
        "sync_medusa_products",
        "MedusaJS — Products",
        "Sync products, variants, and pricing from MedusaJS.",
        "data_sync",
        "data_sync",
        "medusa_products",
        ["products", "catalog", "variants", "pricing"],
    ),
    _member(
        "sync_medusa_customers",
        "MedusaJS — Customers",
        "Sync customer accounts and addresses from MedusaJS.",
        "data_sync",
        "data_sync",
        "medusa_customers",
        ["customers", "addresses", "accounts"],
    ),
    _member(
        "sync_medusa_orders",
        "MedusaJS — Orders",
        "Import orders from MedusaJS and export order status updates back.",
        "data_sync",
        "data_sync",
        "medusa_orders",
        ["orders", "fulfillment", "status-sync"],
    ),
    _member(
        "sync_medusa_inventory",
        "MedusaJS — Inventory",
        "Bidirectional inventory level synchronization with MedusaJS.",
        "data_sync",
        "data_sync",
        "medusa_inventory",
        ["inventory", "stock", "warehouses"],
    ),
    _member(
        "sync_medusa_webhooks",
        "MedusaJS — Webhooks",
        "Receive real-time updates from MedusaJS via webhooks.",
        "webhook",
        "webhook_endpoints",
        "medusa_webhooks",
        ["webhooks", "real-time", "events"],
    ),
]

health_checks = {"medusaHealthCheck": medusa_health_check}
