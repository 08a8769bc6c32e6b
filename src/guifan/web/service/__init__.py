"""Customer-service standards (客户服务) in the web app."""
