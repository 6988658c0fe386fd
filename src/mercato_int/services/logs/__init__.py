"""Operation logs: the model, the service, the batched writer, queries, ingest, audit,
activity, limits and redaction."""
