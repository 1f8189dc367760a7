"""Local stand-ins for the outside world: an SMTP relay, Jira, Slack, on loopback only."""
