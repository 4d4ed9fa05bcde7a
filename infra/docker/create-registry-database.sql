-- Apicurio keeps its schemas in their own database (see docker-compose.kafka.yml)
CREATE DATABASE lading_registry;
