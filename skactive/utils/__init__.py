"""Small private helpers shared by the estimator, the strategies and the oracles."""
