"""Process standards (流程规范) in the web app."""
