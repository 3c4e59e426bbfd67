/** The kafkajs client shared by the producer and the health check of a service. */
export const KAFKA_CLIENT = Symbol('KAFKA_CLIENT');
