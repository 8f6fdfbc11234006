/**
 * The sharing strategies shipped with mtl4j, each a {@link
 * org.mtl4j.api.sharing.SharingStrategyProvider} found through {@link java.util.ServiceLoader}:
 *
 * <ul>
 *   <li>{@code hard}: hard parameter sharing (Caruana 1997; Ruder 2017), {@link
 *       org.mtl4j.strategies.HardSharingProvider};
 *   <li>{@code cross-stitch}: cross-stitch networks (Misra et al. 2016), {@link
 *       org.mtl4j.strategies.CrossStitchProvider};
 *   <li>{@code soft}: soft sharing by task regularisation (Duong et al. 2015; Yang and Hospedales
 *       2017), {@link org.mtl4j.strategies.SoftSharingProvider};
 *   <li>{@code mmoe}: multi-gate mixture of experts (Ma et al. 2018), {@link
 *       org.mtl4j.strategies.MmoeProvider};
 *   <li>{@code ple}: progressive layered extraction with customised gate control (Tang et al.
 *       2020), {@link org.mtl4j.strategies.PleProvider};
 *   <li>{@code cgc}: customised gate control, PLE's single extraction level (Tang et al. 2020),
 *       {@link org.mtl4j.strategies.CgcProvider};
 *   <li>{@code dselect-k}: mixture of experts with differentiable top-k gates (Hazimeh et al.
 *       2021), {@link org.mtl4j.strategies.DSelectKProvider};
 *   <li>{@code learning-to-branch}: tree-structured sharing with learned Gumbel-softmax branching
 *       (Guo et al. 2020), {@link org.mtl4j.strategies.LearningToBranchProvider};
 *   <li>{@code mtan}: a shared trunk with per-task soft-attention modules (Liu, Johns and Davison
 *       2019), {@link org.mtl4j.strategies.MtanProvider}.
 * </ul>
 *
 * <p>Every strategy builds from an MLP spec (hidden sizes) or from layer lists ({@link
 * org.mtl4j.api.sharing.NetworkSpec#trunk()}, {@link org.mtl4j.api.sharing.NetworkSpec#tower()}),
 * e.g. a convolutional trunk over an image; strategies that work between layers split a list into
 * blocks by one rule, {@code Blocks}.
 */
package org.mtl4j.strategies;
