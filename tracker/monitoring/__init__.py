"""What operators and load balancers ask of a running tracker: is this process alive
(`/healthz`), can it serve — its database and Redis reachable (`/readyz`) — and how it is
doing, as Prometheus metrics (`/metrics`, for admins and for a scraper that shows the
METRICS_TOKEN; not public)."""
