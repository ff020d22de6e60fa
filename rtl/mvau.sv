// mvau: the streaming matrix-vector-activation unit (docs/rtl_units.md, FINN's MVAU): for each
// input vector of MW elements, the MH outputs of the weight matrix times it, PE outputs a beat.
//
// Streams: an input vector is SF = MW / SIMD beats of SIMD lanes (A_W bits, lane i at
// [i*A_W +: A_W]); its result is NF = MH / PE beats, beat f carrying outputs f*PE .. f*PE+PE-1
// (PE p's OUT_W-bit result at [p*OUT_W +: OUT_W]).
//
// Weights stay on chip in a weight_mem of NF*SF words of PE x SIMD weights: word f*SF + s holds,
// for PE p and lane i, the weight of output f*PE + p and input element s*SIMD + i. A weight is
// W_W bits (PE_KIND 0, fx_mac_pe), K packed {en, neg, shift} terms (PE_KIND 1, khot_pe) or a
// binary / ternary code (PE_KIND 2, xnor_pe of MODE XNOR_MODE: 1 bit, 1 = +1, for MODE 0 / 1;
// {nonzero, negative} for MODE 2). With PE_KIND 2 the PE's result is its accumulator (OUT_W =
// ACC_W, signed; OUT_FRAC only labels its LSB), and MODE 0 takes 1-bit activations (a lane is
// one bit, whatever A_W). The
// compute order (fold f outer, beat s inner, vector after vector) reads the words 0, 1, ..,
// NF*SF-1, 0, .. in address order: exactly weight_mem's read stream, which is used as is.
//
// Schedule: fold 0 takes the SF beats of a vector from the input stream, feeds them to the PEs
// and keeps them in the input buffer (SF words of SIMD*A_W bits, asynchronous read); folds
// 1..NF-1 replay them from the buffer with in_ready low. The next vector is taken only after the
// last fold's last beat (no overlap: one compute beat a cycle, SF*NF cycles a vector).
//
// The PE x PE units get the same valid / start / last and the same activations, each its own
// weights, and run in lock step: their out_valid is the unit's, their global stall
// (!out_valid || out_ready) is the unit's compute enable. A compute beat is presented when the
// weight word is valid and (fold 0) an input beat is offered; it is taken when the PEs advance.
// out_valid is the PEs' output register, so it never depends on out_ready.
//
// BN = 1: PE x bn_act lanes after the PEs (x = the PE's result), each output scaled and biased by
// its own word of a small scale / bias memory (NF words of PE x {bias, scale}) read at the fold
// the PEs emit, written through bn_wr_* before the run (the port is ignored when BN = 0). The
// lanes' global stall is the PEs' out_ready; latency STAGES + BN_STAGES.
//
// BN = 2: one threshold unit of PE lanes after the PEs instead (FINN's MVAU with thresholds):
// TH_T thresholds per output in its own memory (NF words of PE x {thresholds, direction}, the
// threshold unit's layout with X_W = OUT_W) written through the same bn_wr_* port; the output is
// the unsigned ceil(log2(TH_T + 1))-bit count; latency STAGES + TH_STAGES.
//
// Debug port (mismatch localisation, docs/network.md): mac_valid / mac_ready / mac_data are the
// PEs' output stream as it enters bn_act (with BN = 0 the unit's own output stream): the PE x
// OUT_W results and their handshake, existing nets brought out, so a stitched top can observe
// the MAC array's raws before BN. Unconnected, yosys removes nothing and adds nothing.
//
// LFSR seeds (Q = 7 / BN_Q = 7, RND_STOCH): lfsr_seed carries the 2*PE lane states, 31 bits
// each: MAC lane p (the PE computing outputs f*PE + p) at [p*31 +: 31], bn_act lane p at
// [(PE + p)*31 +: 31]. The network engine drives fx::lane_state(seed, L, p) and (seed, L, PE + p)
// for the mvau of layer L (docs/network.md, "Stochastic rounding"). Every lane's fx_lfsr loads its
// state while rst_n is low and steps on each result the lane takes, never on a stall; Q 0..6
// (BN_Q 0..6) leave the port unread. wr_en does not reload the seeds (only rst_n does).
//
// Write port: wr_en writes wr_data (PE*SIMD words of WW bits, word p*SIMD + i of a memory word)
// at wr_addr, as weight_mem. A write restarts the weight stream and the fold counters (load the
// weights after reset or between vectors, never in the middle of one).
module mvau #(
    parameter int MW         = 8,
    parameter int MH         = 4,
    parameter int PE         = 2,
    parameter int SIMD       = 4,
    parameter int PE_KIND    = 0,  // 0: fx_mac_pe, 1: khot_pe, 2: xnor_pe
    /* verilator lint_off UNUSEDPARAM */  // each PE kind reads its own parameters only
    parameter int XNOR_MODE  = 0,  // PE_KIND 2: xnor_pe MODE (0 binary x binary, 1 / 2 weights)
    parameter int A_W        = 8,
    parameter int A_FRAC     = 4,
    parameter bit A_SIGNED   = 1,
    parameter int W_W        = 8,
    parameter int W_FRAC     = 6,
    parameter bit W_SIGNED   = 1,
    parameter int K          = 2,
    parameter int SH_W       = 3,
    parameter int ACC_W      = 24,
    parameter int ACC_O      = 3,
    parameter int OUT_W      = 8,
    parameter int OUT_FRAC   = 4,
    parameter bit OUT_SIGNED = 1,
    parameter int Q          = 4,
    parameter int O          = 0,
    parameter int N          = 0,
    parameter int AP         = 0,
    /* verilator lint_on UNUSEDPARAM */
    parameter int STAGES     = 2,
    parameter int MEM_STYLE  = 0,  // weight_mem STYLE: 0 AUTO, 1 REGISTERS, 2 LUTRAM, 3 BRAM
    // BN = 1: PE x bn_act after the PEs (x = the PE's output), bn_act's parameters prefixed BN_;
    // BN = 2: a threshold unit of PE lanes (TH_T thresholds a lane, TH_STAGES) instead.
    /* verilator lint_off UNUSEDPARAM */  // the BN_* / TH_* parameters are unused when BN = 0
    parameter int BN            = 0,
    parameter int BN_SCALE_KIND = 0,
    parameter int BN_S_W        = 8,
    parameter int BN_S_FRAC     = 6,
    parameter bit BN_S_SIGNED   = 1,
    parameter int BN_K          = 2,
    parameter int BN_SH_W       = 3,
    parameter int BN_B_W        = 16,
    parameter int BN_B_FRAC     = 8,
    parameter int BN_OUT_W      = 8,
    parameter int BN_OUT_FRAC   = 4,
    parameter bit BN_OUT_SIGNED = 1,
    parameter int BN_Q          = 4,
    parameter int BN_O          = 0,
    parameter int BN_N          = 0,
    parameter int BN_AP         = 0,
    parameter int BN_ACT        = 1,
    parameter int BN_CLIP       = 96,
    parameter int BN_STAGES     = 2,
    parameter int TH_T          = 1,
    parameter int TH_STAGES     = 2,
    /* verilator lint_on UNUSEDPARAM */
    localparam int SF        = MW / SIMD,
    localparam int NF        = MH / PE,
    localparam int WW        = PE_KIND == 0 ? W_W : PE_KIND == 1 ? K * (2 + SH_W)
                                                       : (XNOR_MODE == 2 ? 2 : 1),
    localparam int A_LANE    = PE_KIND == 2 && XNOR_MODE == 0 ? 1 : A_W,  // an input lane
    localparam int DEPTH     = SF * NF,
    localparam int AW        = DEPTH > 1 ? $clog2(DEPTH) : 1,
    localparam int BN_SCALE_W = BN_SCALE_KIND == 0 ? BN_S_W : BN_K * (2 + BN_SH_W),
    localparam int TH_WORD   = TH_T * (OUT_W + 1) + 1,  // one output's {thresholds, direction}
    // one output's word of the bn_wr port: {bias, scale} (BN = 1), the thresholds (BN = 2)
    localparam int BN_PW     = BN == 2 ? TH_WORD : BN_SCALE_W + BN_B_W,
    localparam int BAW       = NF > 1 ? $clog2(NF) : 1,
    localparam int Y_W       = BN == 2 ? $clog2(TH_T + 1) : BN != 0 ? BN_OUT_W : OUT_W
) (
    input  logic                   clk,
    input  logic                   rst_n,
    input  logic                   in_valid,
    output logic                   in_ready,
    input  logic [SIMD*A_LANE-1:0] in_data,
    output logic                   out_valid,
    input  logic                   out_ready,
    output logic [    PE*Y_W-1:0]  out_data,
    input  logic                   wr_en,
    input  logic [        AW-1:0]  wr_addr,
    input  logic [PE*SIMD*WW-1:0]  wr_data,
    /* verilator lint_off UNUSEDSIGNAL */  // the scale / bias port is unused when BN = 0
    input  logic                   bn_wr_en,
    input  logic [       BAW-1:0]  bn_wr_addr,
    input  logic [  PE*BN_PW-1:0]  bn_wr_data,
    /* verilator lint_on UNUSEDSIGNAL */
    output logic                   mac_valid,
    output logic                   mac_ready,
    output logic [  PE*OUT_W-1:0]  mac_data,
    /* verilator lint_off UNUSEDSIGNAL */  // read only by the lanes that round RND_STOCH
    input  logic [ 2*PE*31-1:0]    lfsr_seed
    /* verilator lint_on UNUSEDSIGNAL */
);
  localparam int ROW_W = SIMD * A_LANE;  // one input beat
  localparam int SW = SF > 1 ? $clog2(SF) : 1;
  localparam int FW = NF > 1 ? $clog2(NF) : 1;

  // ---- weight stream ------------------------------------------------------------------------
  // Held in reset while written: after the last write it reads word 0 again (latency 1).
  logic w_valid, w_ready;
  logic [PE*SIMD*WW-1:0] w_data;
  weight_mem #(
      .PE(PE), .SIMD(SIMD), .WORD_W(WW), .DEPTH(DEPTH), .STYLE(MEM_STYLE)
  ) u_weights (
      .clk, .rst_n(rst_n && !wr_en), .run(1'b1),
      .wr_en, .wr_addr, .wr_data,
      .out_valid(w_valid), .out_ready(w_ready), .out_data(w_data)
  );

  // ---- fold / beat counters -----------------------------------------------------------------
  logic [SW-1:0] s;  // beat of the vector
  logic [FW-1:0] f;  // neuron fold
  logic first_fold, beat_valid, pe_ready, fire;
  assign first_fold = f == '0;
  assign beat_valid = w_valid && (!first_fold || in_valid);
  assign fire = beat_valid && pe_ready;
  assign in_ready = first_fold && w_valid && pe_ready;
  assign w_ready = fire;

  always_ff @(posedge clk) begin
    if (!rst_n || wr_en) begin
      s <= '0;
      f <= '0;
    end else if (fire) begin
      if (s == SW'(SF - 1)) begin
        s <= '0;
        f <= f == FW'(NF - 1) ? '0 : f + 1'b1;
      end else begin
        s <= s + 1'b1;
      end
    end
  end

  // ---- input buffer: fold 0 writes, folds 1.. replay ------------------------------------------
  logic [ROW_W-1:0] a;
  generate
    if (NF > 1) begin : g_buffer
      logic [ROW_W-1:0] ibuf[SF];
      always_ff @(posedge clk) if (fire && first_fold) ibuf[s] <= in_data;
      assign a = first_fold ? in_data : ibuf[s];
    end else begin : g_pass
      assign a = in_data;
    end
  endgenerate

  // ---- PE x processing elements in lock step -------------------------------------------------
  /* verilator lint_off UNUSEDSIGNAL */  // PE 0 speaks for all: the others are identical
  logic [PE-1:0] pe_in_ready, pe_out_valid;
  /* verilator lint_on UNUSEDSIGNAL */
  logic start, last, pe_valid, pe_out_ready;
  logic [PE*OUT_W-1:0] pe_y;
  assign start = s == '0;
  assign last = s == SW'(SF - 1);
  assign pe_ready = pe_in_ready[0];
  assign pe_valid = pe_out_valid[0];
  assign mac_valid = pe_valid;
  assign mac_ready = pe_out_ready;
  assign mac_data = pe_y;

  for (genvar p = 0; p < PE; p++) begin : g_pe
    /* verilator lint_off UNUSEDSIGNAL */  // the overflow flags are not part of the stream
    logic ovf;
    /* verilator lint_on UNUSEDSIGNAL */
    if (PE_KIND == 0) begin : g_mac
      fx_mac_pe #(
          .SIMD(SIMD), .A_W(A_W), .A_FRAC(A_FRAC), .A_SIGNED(A_SIGNED),
          .W_W(W_W), .W_FRAC(W_FRAC), .W_SIGNED(W_SIGNED),
          .ACC_W(ACC_W), .ACC_O(ACC_O), .OUT_W(OUT_W), .OUT_FRAC(OUT_FRAC),
          .OUT_SIGNED(OUT_SIGNED), .Q(Q), .O(O), .N(N), .AP(AP), .STAGES(STAGES)
      ) u_pe (
          .clk, .rst_n,
          .in_valid(beat_valid), .in_ready(pe_in_ready[p]),
          .in_start(start), .in_last(last),
          .in_a(a), .in_w(w_data[p*SIMD*WW +: SIMD*WW]),
          .out_valid(pe_out_valid[p]), .out_ready(pe_out_ready),
          .out_data(pe_y[p*OUT_W +: OUT_W]), .out_overflow(ovf),
          .lfsr_seed(lfsr_seed[p*31 +: 31])  // MAC lane p
      );
    end else if (PE_KIND == 1) begin : g_khot
      khot_pe #(
          .SIMD(SIMD), .A_W(A_W), .A_FRAC(A_FRAC), .A_SIGNED(A_SIGNED),
          .K(K), .SH_W(SH_W), .W_FRAC(W_FRAC),
          .ACC_W(ACC_W), .ACC_O(ACC_O), .OUT_W(OUT_W), .OUT_FRAC(OUT_FRAC),
          .OUT_SIGNED(OUT_SIGNED), .Q(Q), .O(O), .N(N), .AP(AP), .STAGES(STAGES)
      ) u_pe (
          .clk, .rst_n,
          .in_valid(beat_valid), .in_ready(pe_in_ready[p]),
          .in_start(start), .in_last(last),
          .in_a(a), .in_w(w_data[p*SIMD*WW +: SIMD*WW]),
          .out_valid(pe_out_valid[p]), .out_ready(pe_out_ready),
          .out_data(pe_y[p*OUT_W +: OUT_W]), .out_overflow(ovf),
          .lfsr_seed(lfsr_seed[p*31 +: 31])  // MAC lane p
      );
    end else begin : g_xnor
      // The accumulator is the result: OUT_W = ACC_W (models/units/mvau checks it).
      xnor_pe #(
          .SIMD(SIMD), .MODE(XNOR_MODE), .A_W(A_W), .A_SIGNED(A_SIGNED),
          .ACC_W(ACC_W), .ACC_O(ACC_O), .STAGES(STAGES)
      ) u_pe (
          .clk, .rst_n,
          .in_valid(beat_valid), .in_ready(pe_in_ready[p]),
          .in_start(start), .in_last(last),
          .in_a(a), .in_w(w_data[p*SIMD*WW +: SIMD*WW]),
          .out_valid(pe_out_valid[p]), .out_ready(pe_out_ready),
          .out_data(pe_y[p*OUT_W +: OUT_W]), .out_overflow(ovf)
      );
    end
  end

  // ---- optional PE x bn_act: output f*PE + p scaled and biased by its own word ------------------
  // The scale / bias memory: NF words of PE x {bias, scale}, word f holding output f*PE + p's at
  // [p*BN_PW +: BN_PW] (scale in the low BN_SCALE_W bits), read at the fold the PEs emit.
  generate
    if (BN == 2) begin : g_threshold
      // Its own threshold memory and fold counter (counted on the PEs' results).
      threshold #(
          .PE(PE), .CH(MH), .X_W(OUT_W), .T(TH_T), .STAGES(TH_STAGES)
      ) u_threshold (
          .clk, .rst_n,
          .in_valid(pe_valid), .in_ready(pe_out_ready), .in_data(pe_y),
          .out_valid, .out_ready, .out_data,
          .wr_en(bn_wr_en), .wr_addr(bn_wr_addr), .wr_data(bn_wr_data)
      );
    end else if (BN != 0) begin : g_bn
      logic [PE*BN_PW-1:0] bn_mem[NF];
      logic [BAW-1:0] of;  // fold of the result on the PEs' output
      /* verilator lint_off UNUSEDSIGNAL */  // lane 0 speaks for all, as for the PEs
      logic [PE-1:0] bn_in_ready, bn_out_valid;
      /* verilator lint_on UNUSEDSIGNAL */
      logic [PE*BN_PW-1:0] bn_word;
      always_ff @(posedge clk) if (bn_wr_en) bn_mem[bn_wr_addr] <= bn_wr_data;
      assign bn_word = bn_mem[of];
      assign pe_out_ready = bn_in_ready[0];
      assign out_valid = bn_out_valid[0];
      always_ff @(posedge clk) begin
        if (!rst_n || wr_en) of <= '0;
        else if (pe_valid && pe_out_ready) of <= of == BAW'(NF - 1) ? '0 : of + 1'b1;
      end
      for (genvar p = 0; p < PE; p++) begin : g_lane
        bn_act #(
            .X_W(OUT_W), .X_FRAC(OUT_FRAC), .X_SIGNED(OUT_SIGNED),
            .SCALE_KIND(BN_SCALE_KIND), .S_W(BN_S_W), .S_FRAC(BN_S_FRAC),
            .S_SIGNED(BN_S_SIGNED), .K(BN_K), .SH_W(BN_SH_W), .B_W(BN_B_W), .B_FRAC(BN_B_FRAC),
            .OUT_W(BN_OUT_W), .OUT_FRAC(BN_OUT_FRAC), .OUT_SIGNED(BN_OUT_SIGNED), .Q(BN_Q),
            .O(BN_O), .N(BN_N), .AP(BN_AP), .ACT(BN_ACT), .CLIP(BN_CLIP), .STAGES(BN_STAGES)
        ) u_bn (
            .clk, .rst_n,
            .in_valid(pe_valid), .in_ready(bn_in_ready[p]),
            .in_x(pe_y[p*OUT_W +: OUT_W]),
            .in_scale(bn_word[p*BN_PW +: BN_SCALE_W]),
            .in_bias(bn_word[p*BN_PW + BN_SCALE_W +: BN_B_W]),
            .lfsr_seed(lfsr_seed[(PE + p)*31 +: 31]),  // bn_act lane p
            .out_valid(bn_out_valid[p]), .out_ready,
            .out_y(out_data[p*BN_OUT_W +: BN_OUT_W])
        );
      end
    end else begin : g_no_bn
      assign pe_out_ready = out_ready;
      assign out_valid = pe_valid;
      assign out_data = pe_y;
    end
  endgenerate
endmodule
