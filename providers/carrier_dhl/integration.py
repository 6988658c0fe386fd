"""DHL Parcel shipping carrier. Written as a plain dict, the other accepted form."""

from .health import dhl_health_check

integration = {
    "id": "carrier_dhl",
    "title": "DHL Parcel",
    "description": "Create DHL Parcel shipments, print labels and track parcels.",
    "category": "shipping",
    "hub": "shipping_carriers",
    "providerKey": "dhl",
    "icon": "dhl",
    "docsUrl": "https://developer.dhl.com/api-reference/parcel-de-shipping-post-parcel-germany-v2",
    "package": "@open-mercato/carrier-dhl",
    "version": "1.0.0",
    "author": "Open Mercato Team",
    "license": "MIT",
    "tags": ["parcel", "labels", "tracking", "shipping"],
    "credentials": {
        "fields": [
            {"key": "apiKey", "label": "API Key", "type": "secret", "required": True},
            {
                "key": "accountNumber",
                "label": "Account Number",
                "type": "text",
                "required": True,
                "placeholder": "22222222220101",
            },
            {
                "key": "environment",
                "label": "Environment",
                "type": "select",
                "options": [
                    {"value": "sandbox", "label": "Sandbox"},
                    {"value": "production", "label": "Production"},
                ],
            },
        ]
    },
    "healthCheck": {"service": "dhlHealthCheck"},
}

health_checks = {"dhlHealthCheck": dhl_health_check}
