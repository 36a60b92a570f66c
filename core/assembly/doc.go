// Package assembly builds the fixed structure of a layer of E/I assemblies:
// the membership matrices that assign excitatory (E) and inhibitory (I)
// neurons to ensembles, and the recurrent weights that hold each layer in
// E/I balance.
//
// The model is balance-controlled plasticity (BCP) after Rossbroich and
// Zenke, "Breaking Balance: Encoding local error signals in perturbations of
// excitation–inhibition balance", bioRxiv 2025.
//
// # Memberships
//
// A layer has K ensembles, n_E excitatory neurons per ensemble, N_E = K·n_E
// E neurons and N_I = N_E/r I neurons (r is the E:I ratio). A membership
// matrix M ∈ R^{N×K} is built in five steps:
//
//  1. Hard tiling: neuron i belongs to ensemble ⌊i·K/N⌋, so that ensembles
//     are contiguous blocks whose sizes differ by at most one.
//  2. Overlap: every entry additionally becomes 1 with probability
//     p = P/(100·K − P·K), with P the overlap percentage.
//  3. Row scaling: each row is divided by its number of memberships.
//  4. Unless memberships are binary, each entry is multiplied by an
//     independent mean-preserving log-normal factor exp(σξ − σ²/2),
//     ξ ~ N(0,1), σ = 0.5.
//  5. If normalised, each column is scaled to unit Euclidean norm.
//
// Rows are sparse (one membership plus a few from overlap), so M is stored
// by rows and M·a and Mᵀ·v cost one pass over the entries.
//
// # Balance
//
// E→I weights are fixed at W_EI = M_I M_Eᵀ/n_E. The non-negative I→E weights
// W_IE are chosen so that, in the linearised steady state, inhibition cancels
// a fraction α of the feed-forward excitation: W_IE r_I = α·I_XE for every
// drive I_XE = M_E a. With c = 1 + δ, δ = 10⁻⁶, V = W_EI and W = W_IE,
//
//	S(W) = (c·I + W V)⁻¹
//	A(W) = M_I + V S(W) (M_E − W M_I)      (the map from a to r_I)
//	R(W) = α M_E − W A(W)                   (the residual, N_E × K)
//
// and the balance residual reported to the user is RMS(R). Writing
// B = M_I + (1 − α)·V M_E, one finds R = −S(W)·(W B − α M_E) for c = 1, so
// perfect balance is the linear condition W B = α M_E with W ≥ 0.
//
// Without overlap B is block-diagonal and the condition has the closed-form
// solution, per ensemble k with membership columns m_E and m_I,
//
//	W_k = α/β_k · m_E m_Iᵀ/‖m_I‖²,   β_k = 1 + (1 − α)‖m_E‖²/n_E,
//
// which for binary memberships reduces to α/(2 − α)·M_E M_Iᵀ/n_I and for
// normalised ones to α/(1 + (1 − α)/n_E)·M_E M_Iᵀ. With overlap the product
// solves the non-negative least-squares problem min ‖W B − α M_E‖ row by row
// with the Lawson–Hanson active-set method on the Gram matrix B Bᵀ, then
// polishes the true residual RMS(R) by projected gradient descent with
// backtracking, using ∇_W RMS(R) = −c·Sᵀ G Aᵀ, G = R/(RMS(R)·N_E·K), and the
// Woodbury identity for S (W V has rank at most K). The reference recipe,
// 10 000 Adam steps on W = relu(Θ) from
// Θ₀ = α·mean_j(1/Σ_i V_ji)·Vᵀ, is kept in the tests as the bar to clear.
package assembly
