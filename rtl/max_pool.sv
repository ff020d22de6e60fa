// max_pool: streaming max-pooling of an H x W x C feature map, POOL x POOL windows with stride
// POOL (docs/rtl_units.md). The map arrives pixel by pixel in row-major order, channels fastest,
// SIMD channels per beat (lane i at bits [i*IN_W +: IN_W]): CB = ceil(C / SIMD) beats per pixel,
// the unused lanes of a pixel's last beat zero. The output map HOUT x WOUT x C (HOUT = H / POOL,
// WOUT = W / POOL, rounded down: leftover rows and columns are dropped, as torch max_pool2d without
// ceil_mode) leaves in the same order and packing, its unused lanes forced to zero.
//
// The maximum is taken on raw integers (signed or unsigned by IN_SIGNED): the fraction bits of a
// fixed-point format scale every element alike and do not change which one is largest.
//
// One row of partial maxima, WOUT x CB words of SIMD x IN_W bits, is read (asynchronously) and
// written back at the same address in the beat's cycle: a single-port distributed RAM (or
// flip-flops when small). The first pixel of a window loads the word, the others take the
// maximum with it, the last one sends the result to the output register instead (latency 1,
// global stall: in_ready = !out_valid || out_ready, a beat per cycle).
module max_pool #(
    parameter int POOL      = 2,
    parameter int SIMD      = 1,
    parameter int IN_W      = 8,
    parameter bit IN_SIGNED = 1,
    parameter int C         = 4,
    parameter int H         = 4,
    parameter int W         = 4,
    localparam int BW = SIMD * IN_W
) (
    input  logic          clk,
    input  logic          rst_n,
    input  logic          in_valid,
    output logic          in_ready,
    input  logic [BW-1:0] in_data,
    output logic          out_valid,
    input  logic          out_ready,
    output logic [BW-1:0] out_data
);
  localparam int CB = (C + SIMD - 1) / SIMD;  // beats per pixel
  localparam int PAD = CB * SIMD - C;  // zero lanes at the top of a pixel's last beat
  localparam int WOUT = W / POOL;
  localparam int HOUT = H / POOL;
  localparam int DEPTH = WOUT * CB;  // words of the row of partial maxima
  localparam int AW = $clog2(DEPTH + 1);  // base reaches DEPTH on dropped columns
  localparam int IW = DEPTH > 1 ? $clog2(DEPTH) : 1;  // the word index (unused when dropped)
  localparam int CBW = CB > 1 ? $clog2(CB) : 1;
  localparam int PW = POOL > 2 ? 2 : 1;
  localparam int XW = $clog2(W);
  localparam int YW = $clog2(H);

  logic advance, fire;
  assign advance  = !out_valid || out_ready;
  assign in_ready = advance;
  assign fire     = in_valid && advance;

  // ---- where the beat is: channel beat, column (and its place in the window), row -----------
  logic [CBW-1:0] cb;
  logic [PW-1:0] kx, ky;
  logic [XW-1:0] x;
  logic [YW-1:0] y;
  logic [AW-1:0] base;  // ox * CB: the first word of the window's column

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      cb <= '0;
      kx <= '0;
      ky <= '0;
      x <= '0;
      y <= '0;
      base <= '0;
    end else if (fire) begin
      if (cb != CBW'(CB - 1)) begin
        cb <= cb + 1'b1;
      end else begin
        cb <= '0;
        if (x == XW'(W - 1)) begin
          x <= '0;
          kx <= '0;
          base <= '0;
          y <= y == YW'(H - 1) ? '0 : y + 1'b1;
          ky <= y == YW'(H - 1) || ky == PW'(POOL - 1) ? '0 : ky + 1'b1;
        end else begin
          x <= x + 1'b1;
          kx <= kx == PW'(POOL - 1) ? '0 : kx + 1'b1;
          if (kx == PW'(POOL - 1)) base <= base + AW'(CB);
        end
      end
    end
  end

  logic keep, first, last;
  assign keep  = 32'(x) < WOUT * POOL && 32'(y) < HOUT * POOL;
  assign first = kx == '0 && ky == '0;
  assign last  = kx == PW'(POOL - 1) && ky == PW'(POOL - 1);

  // ---- the row of partial maxima -------------------------------------------------------------
  logic [IW-1:0] index;
  assign index = IW'(base) + IW'(cb);
  logic [BW-1:0] row[DEPTH];
  logic [BW-1:0] partial, best;
  assign partial = row[index];

  always_comb begin
    for (int i = 0; i < SIMD; i++) begin
      logic signed [IN_W:0] a, b;
      a = $signed({IN_SIGNED & in_data[i*IN_W+IN_W-1], in_data[i*IN_W+:IN_W]});
      b = $signed({IN_SIGNED & partial[i*IN_W+IN_W-1], partial[i*IN_W+:IN_W]});
      best[i*IN_W+:IN_W] = first || a > b ? in_data[i*IN_W+:IN_W] : partial[i*IN_W+:IN_W];
    end
  end

  always_ff @(posedge clk) begin
    if (fire && keep && !last) row[index] <= best;
  end

  // ---- the result: the window's last beat, its zero lanes cleared ------------------------------
  logic [BW-1:0] result;
  always_comb begin
    result = best;
    if (PAD > 0 && cb == CBW'(CB - 1)) begin
      for (int i = SIMD - PAD; i < SIMD; i++) result[i*IN_W+:IN_W] = '0;
    end
  end

  always_ff @(posedge clk) begin
    if (!rst_n) out_valid <= 1'b0;
    else if (advance) out_valid <= fire && keep && last;
  end
  always_ff @(posedge clk) begin
    if (fire && keep && last) out_data <= result;
  end
endmodule
