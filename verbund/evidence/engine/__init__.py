"""Pure engines of the evidence app: the KPI figures from imported staff, asset, control and incident records."""
