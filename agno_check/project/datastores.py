"""What counts as a datastore in a compose file: by image name, or by a well-known container port."""

from __future__ import annotations

import re

DATASTORE_IMAGES = re.compile(r"(^|/)(postgres|postgis|pgvector|timescaledb|mysql|mariadb|mongo|redis|valkey|"
                              r"keydb|memcached|elasticsearch|opensearch|qdrant|weaviate|milvus|chroma|clickhouse|"
                              r"rabbitmq|cassandra|neo4j|couchdb|etcd|dragonfly)", re.I)
DATASTORE_PORTS = {"5432": "PostgreSQL", "3306": "MySQL", "6379": "Redis", "27017": "MongoDB", "9200": "Elasticsearch",
                   "6333": "Qdrant", "11211": "memcached", "5672": "RabbitMQ", "9042": "Cassandra", "7687": "Neo4j",
                   "8123": "ClickHouse", "19530": "Milvus", "2379": "etcd"}
