import HubHost
