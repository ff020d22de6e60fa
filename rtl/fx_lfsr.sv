// fx_lfsr: the random bits of stochastic rounding (RND_STOCH), the Fibonacci LFSR of fx/lfsr.hpp
// on x^31 + x^3 + 1 (docs/fixed_point.md, "Stochastic rounding (RND_STOCH)").
//   state bit i = s_{n+i}; bits = s_n .. s_{n+K-1} (the first bit out in bit 0);
//   on a clock with `step` the window moves by K: the K fresh bits are
//   s_{n+31+j} = state[3+j] ^ state[j] (one XOR2 each, no chains: hence K <= 28).
// K is the number of bits one rounding consumes (fx::stochastic_bits_per_cast), so one step per
// rounding keeps the register in step with fx::Lfsr::next_bits(K). The initial state is `seed`,
// sampled on every clock with rst_n low (fx::lane_state(seed, layer, lane), never 0: the all-zero
// state never moves). A port, not a parameter: one Verilated model serves every seed.
module fx_lfsr #(
    parameter int K = 8  // bits per step, 1 .. 28
) (
    input  logic          clk,
    input  logic          rst_n,
    input  logic [  30:0] seed,
    input  logic          step,
    output logic [ K-1:0] bits
);
  logic [30:0] state;
  logic [K-1:0] fresh;
  assign fresh = state[3+:K] ^ state[K-1:0];
  assign bits = state[K-1:0];

  always_ff @(posedge clk) begin
    if (!rst_n) state <= seed;
    else if (step) state <= {fresh, state[30:K]};
  end
endmodule
