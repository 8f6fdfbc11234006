package org.mtl4j.api.backend;

/**
 * A snapshot of a backend's native memory accounting.
 *
 * @param systemAllocations number of times the backend asked the system (malloc, cuMemAlloc, ND4J)
 *     for new memory since it was created: constant across steady-state training steps
 * @param bytesReserved bytes currently held from the system, in use or cached in the pool
 * @param bytesInUse bytes currently backing live tensors
 * @param liveTensors tensors currently open
 */
public record MemoryStats(
    long systemAllocations, long bytesReserved, long bytesInUse, long liveTensors) {}
