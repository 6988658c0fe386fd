"""Stripe payment gateway (spec §1.1, exactly)."""

from mercato_int.registry import IntegrationDefinition

from .health import stripe_health_check

integration = IntegrationDefinition.model_validate(
    {
        "id": "gateway_stripe",
        "title": "Stripe",
        "description": "Accept card payments, Apple Pay, and Google Pay via Stripe Checkout.",
        "category": "payment",
        "hub": "payment_gateways",
        "providerKey": "stripe",
        "icon": "stripe",
        "docsUrl": "https://docs.stripe.com",
        "package": "@open-mercato/gateway-stripe",
        "version": "1.0.0",
        "author": "Open Mercato Team",
        "license": "MIT",
        "tags": ["cards", "apple-pay", "google-pay", "checkout"],
        "credentials": {
            "fields": [
                {
                    "key": "publishableKey",
                    "label": "Publishable Key",
                    "type": "text",
                    "required": True,
                },
                {"key": "secretKey", "label": "Secret Key", "type": "secret", "required": True},
                {
                    "key": "webhookSecret",
                    "label": "Webhook Secret",
                    "type": "secret",
                    "required": True,
                },
                {
                    "key": "captureMethod",
                    "label": "Capture Method",
                    "type": "select",
                    "options": [
                        {"value": "automatic", "label": "Automatic"},
                        {"value": "manual", "label": "Manual (authorize then capture)"},
                    ],
                },
                {"key": "enableApplePay", "label": "Enable Apple Pay", "type": "boolean"},
            ]
        },
        "healthCheck": {"service": "stripeHealthCheck"},
    }
)

health_checks = {"stripeHealthCheck": stripe_health_check}
