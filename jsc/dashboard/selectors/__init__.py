"""Read-only queries behind the dashboard. Each answers in a fixed number of queries,
whatever the number of pregnancies (aggregates and GROUP BY, never a query per row)."""
