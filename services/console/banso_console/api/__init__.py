"""The console's pages: thin routes that gather data through the clients and render templates."""
