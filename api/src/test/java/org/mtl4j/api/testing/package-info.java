/**
 * The mtl4j conformance kit, shipped in the api test-jar ({@code mtl4j-api}, type {@code test-jar},
 * scope {@code test}): one suite, many implementations, after DJL's per-engine integration tests
 * and Trino's {@code BaseConnectorTest}.
 *
 * <ul>
 *   <li>{@link org.mtl4j.api.testing.ReferenceBackend}: every backend primitive in plain Java with
 *       double accumulation, the oracle; in {@code DOUBLE} precision nothing is rounded.
 *   <li>{@link org.mtl4j.api.testing.ComputeBackendContract}: extend it and implement {@code
 *       createBackend()}; override {@code unavailableReason()} to skip where the device is absent.
 *   <li>{@link org.mtl4j.api.testing.GradientCheck}: central-difference checks of graph ops, layers
 *       and whole networks, through both {@code Graph.backward} and {@code Graph.grad}.
 *   <li>{@link org.mtl4j.api.testing.SharingStrategyContract} and {@link
 *       org.mtl4j.api.testing.TaskWeightingContract}: extend them and implement {@code provider()}.
 *   <li>Helpers: {@link org.mtl4j.api.testing.FixtureNetwork} (a small hard-sharing network),
 *       {@link org.mtl4j.api.testing.TaskBatches} (seeded batches for any task list), {@link
 *       org.mtl4j.api.testing.TestData} and {@link org.mtl4j.api.testing.Tolerance}.
 * </ul>
 */
package org.mtl4j.api.testing;
