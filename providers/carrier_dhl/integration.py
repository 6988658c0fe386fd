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
            {
                "key": "apiKey",
                "label": "API Key",
                "type": "secret",
                "required": True,
                "help": "The API key of your app on developer.dhl.com (sent as dhl-api-key).",
            },
            {
                "key": "username",
                "label": "Username",
                "type": "text",
                "placeholder": "user-valid",
                "help": "Business customer portal (GKP) user; in the sandbox DHL's test user "
                "user-valid is used when empty.",
            },
            {
                "key": "password",
                "label": "Password",
                "type": "secret",
                "help": "Business customer portal (GKP) password; in the sandbox DHL's test "
                "password is used when empty.",
            },
            {
                "key": "accountNumber",
                "label": "Billing Number",
                "type": "text",
                "placeholder": "33333333330101",
                "help": "14-digit billing number (EKP, procedure, participation) for DHL Paket "
                "(01) or Kleinpaket (62); in the sandbox 33333333330101 is used when empty.",
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
