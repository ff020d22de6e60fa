// xnor_pe: binary / ternary processing element (docs/rtl_units.md): no multiplier anywhere.
// The stream (SIMD lanes a beat, in_start / in_last of a dot product, global stall) and the
// accumulator stage (fx_acc_out) are those of fx_mac_pe; the output is the accumulator itself,
// an ACC_W-bit integer (out_overflow is always 0: thresholding is a later unit's job).
//
// MODE 0, binary x binary: a lane's activation and weight are one bit each (1 = +1, 0 = -1);
//   beat = 2 * popcount(xnor(a, w)) - SIMD (every lane counts, see docs/rtl_units.md).
// MODE 1, binary weight x fixed-point activation: a lane adds a (w = 1) or subtracts it (w = 0).
// MODE 2, ternary weight {nonzero, negative} x fixed-point activation: +a, -a or nothing
//   ({0, x} is 0).
// Subtraction is one's complement plus a carry-in: -a = ~a + 1, so a lane feeds the lane sum
// a ^ {neg} and the count of negated lanes is added once (a popcount), the way an adder tree
// takes its carry-ins.
//
// Stages (global stall, latency = STAGES):
//   STAGES >= 2: the lane terms registered (MODE 0: the SIMD xnor bits; else per lane the A_W
//                bits of a ^ {neg} and the neg bit);
//   STAGES >= 3: the lane sum registered (MODE 0: the popcount; else the beat sum);
//   always:      the accumulator stage (fx_acc_out, its output requantizer the identity);
//   the rest:    plain delay stages on the result.
module xnor_pe #(
    parameter int SIMD     = 8,
    parameter int MODE     = 0,   // 0 binary x binary, 1 binary weights, 2 ternary weights
    parameter int A_W      = 8,   // activation bits (MODE 1, 2)
    /* verilator lint_off UNUSEDPARAM */  // MODE 0 has no fixed-point activations
    parameter bit A_SIGNED = 1,
    /* verilator lint_on UNUSEDPARAM */
    parameter int ACC_W    = 24,
    parameter int ACC_O    = 3,
    parameter int STAGES   = 2
) (
    input  logic                                 clk,
    input  logic                                 rst_n,
    input  logic                                 in_valid,
    output logic                                 in_ready,
    input  logic                                 in_start,
    input  logic                                 in_last,
    input  logic [SIMD*(MODE == 0 ? 1 : A_W)-1:0] in_a,
    input  logic [SIMD*(MODE == 2 ? 2 : 1)-1:0]   in_w,
    output logic                                 out_valid,
    input  logic                                 out_ready,
    output logic [                    ACC_W-1:0] out_data,
    output logic                                 out_overflow
);
  localparam int LANE_W = MODE == 0 ? 1 : A_W + 1;  // a lane's registered term
  localparam int CW = $clog2(SIMD + 1);  // a popcount of SIMD bits
  // The beat sum: MODE 0 in [-SIMD, SIMD]; else SIMD signed (A_W + 1)-bit terms.
  localparam int BW = MODE == 0 ? 2 + $clog2(SIMD) : A_W + 1 + $clog2(SIMD);
  localparam int SUM_W = MODE == 0 ? CW : BW;  // what the lane-sum register holds
  localparam int P_DEPTH = STAGES >= 2 ? 1 : 0;
  localparam int B_DEPTH = STAGES >= 3 ? 1 : 0;
  localparam int TAIL = STAGES - 1 - P_DEPTH - B_DEPTH;

  logic advance;
  assign advance  = !out_valid || out_ready;
  assign in_ready = advance;

  // ---- lane terms ---------------------------------------------------------------------------
  logic [SIMD*LANE_W-1:0] term, term_p;
  for (genvar i = 0; i < SIMD; i++) begin : g_lane
    if (MODE == 0) begin : g_xnor
      assign term[i] = ~(in_a[i] ^ in_w[i]);
    end else begin : g_addsub
      logic nonzero, neg;
      if (MODE == 1) begin : g_binary_w
        assign nonzero = 1'b1;
        assign neg = ~in_w[i];
      end else begin : g_ternary_w
        assign nonzero = in_w[2*i+1];
        assign neg = in_w[2*i+1] & in_w[2*i];
      end
      assign term[i*LANE_W+:LANE_W] = {neg, nonzero ? in_a[i*A_W+:A_W] ^ {A_W{neg}} : A_W'(0)};
    end
  end

  logic v_p, start_p, last_p;
  fx_pipe #(
      .W(SIMD * LANE_W + 2),
      .DEPTH(P_DEPTH)
  ) u_term_reg (
      .clk, .rst_n, .en(advance),
      .in_valid(in_valid), .in_data({in_start, in_last, term}),
      .out_valid(v_p), .out_data({start_p, last_p, term_p})
  );

  // ---- lane sum -----------------------------------------------------------------------------
  logic [SUM_W-1:0] lane_sum, lane_sum_b;
  if (MODE == 0) begin : g_popcount
    always_comb begin
      lane_sum = '0;
      for (int i = 0; i < SIMD; i++) lane_sum = lane_sum + SUM_W'(term_p[i]);
    end
  end else begin : g_adder_tree
    always_comb begin
      logic neg;
      logic [A_W-1:0] v;
      logic signed [A_W:0] t;
      lane_sum = '0;
      for (int i = 0; i < SIMD; i++) begin
        {neg, v} = term_p[i*LANE_W+:LANE_W];
        // The (A_W + 1)-bit one's-complement term: a ^ {neg}, sign- or zero-extended (an
        // unsigned a extends with 0, so its complement's top bit is neg itself).
        t = A_SIGNED ? {v[A_W-1], v} : {neg, v};
        lane_sum = lane_sum + SUM_W'(t) + SUM_W'(neg);
      end
    end
  end

  logic v_b, start_b, last_b;
  fx_pipe #(
      .W(SUM_W + 2),
      .DEPTH(B_DEPTH)
  ) u_sum_reg (
      .clk, .rst_n, .en(advance),
      .in_valid(v_p), .in_data({start_p, last_p, lane_sum}),
      .out_valid(v_b), .out_data({start_b, last_b, lane_sum_b})
  );

  logic [BW-1:0] beat;
  if (MODE == 0) begin : g_bin_beat
    assign beat = BW'({lane_sum_b, 1'b0}) - BW'(SIMD);  // 2 * popcount - SIMD
  end else begin : g_fx_beat
    assign beat = lane_sum_b;
  end

  // ---- accumulator (output = the accumulator) and delay stages --------------------------------
  fx_acc_out #(
      .BW(BW), .ACC_W(ACC_W), .ACC_O(ACC_O), .PF(0),
      .OUT_W(ACC_W), .OUT_FRAC(0), .OUT_SIGNED(1), .Q(5), .O(3), .N(0), .AP(0),
      .TAIL(TAIL)
  ) u_acc (
      .clk, .rst_n, .en(advance),
      .in_valid(v_b), .in_start(start_b), .in_last(last_b), .in_beat(beat),
      .lfsr_seed('0),  // Q = 5: no random bits
      .out_valid, .out_data, .out_overflow
  );
endmodule
