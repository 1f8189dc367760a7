"""The simulated SaaS and its customers: catalog, names, accounts and users."""
