"""Findings and actions (持续改进) in the web app."""
