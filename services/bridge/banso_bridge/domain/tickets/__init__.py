"""Product tickets for themes: when one is due, what it says, how resolutions come back."""
