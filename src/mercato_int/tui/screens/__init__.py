"""App-level screens: the marketplace, an integration, a bundle, and the dialogs."""
