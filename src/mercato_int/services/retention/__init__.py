"""Retention: pruning expired log entries, and the per-tenant settings that say how long."""
