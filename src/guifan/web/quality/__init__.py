"""Quality control (质量控制) in the web app."""
