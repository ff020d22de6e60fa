// sliding_window: the convolution input generator (docs/rtl_units.md). It takes an H x W x C
// feature map pixel by pixel (row-major, channels fastest, SIMD lanes per beat, ceil(C/SIMD)
// beats per pixel, unused lanes of a pixel's last beat zero) and streams, for every output pixel
// (oy, ox) in row-major order, its K x K window: for ky, for kx, the beats of input pixel
// (oy*STRIDE - PAD + ky, ox*STRIDE - PAD + kx), all-zero beats for a pixel in the padding.
//
// Line buffer: R = min(K, H) input rows in one memory of R * W * CB words of SIMD * IN_W bits
// (CB = ceil(C/SIMD)), written row after row as a circular buffer (the write address just
// counts). A writer and a reader run independently:
//   - the writer accepts a beat while the row it belongs to has a free row slot: rows below the
//     first row of the reader's current window (clipped to the map) are free, so at most R rows
//     of the map are held; across images the writer may run one image ahead or behind;
//   - the reader issues one window beat per cycle when it is padding or already written, reads
//     it from the memory (synchronous read, the output register) and holds it while out_ready is
//     low. Each input beat is written once and read up to ceil(K/STRIDE)^2 times.
// Addresses are counters stepped by constants (no multiplier, so no DSP is inferred).
module sliding_window #(
    parameter int IN_W      = 8,
    /* verilator lint_off UNUSEDPARAM */  // the format's signedness: raw 0 is zero in both kinds
    parameter bit IN_SIGNED = 1,
    /* verilator lint_on UNUSEDPARAM */
    parameter int SIMD      = 2,
    parameter int C         = 3,
    parameter int H         = 6,
    parameter int W         = 6,
    parameter int K         = 3,
    parameter int STRIDE    = 1,
    parameter int PAD       = 1,
    localparam int BW       = SIMD * IN_W
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
  localparam int HO = (H + 2 * PAD - K) / STRIDE + 1;
  localparam int WO = (W + 2 * PAD - K) / STRIDE + 1;
  localparam int R = K < H ? K : H;  // row slots of the line buffer
  localparam int WB = W * CB;  // beats of one input row
  localparam int KB = K * CB;  // beats of one window row
  localparam int DEPTH = R * WB;
  localparam int AW = DEPTH > 1 ? $clog2(DEPTH) : 1;
  // Signed widths of a row (-PAD .. H + K) and a beat offset in a row (-PAD*CB .. WB + KB).
  localparam int YW = $clog2(H + K + PAD + 1) + 1;
  localparam int XW = $clog2(WB + KB + PAD * CB + 1) + 1;
  localparam int OYW = HO > 1 ? $clog2(HO) : 1;
  localparam int OXW = WO > 1 ? $clog2(WO) : 1;
  localparam int KYW = K > 1 ? $clog2(K) : 1;
  localparam int BOW = KB > 1 ? $clog2(KB) : 1;
  localparam int WRW = WB > 1 ? $clog2(WB) : 1;
  localparam int HRW = H > 1 ? $clog2(H) : 1;
  // The first row's slot of the first window, of the next output row and of the next image
  // (cumulative row numbers modulo R, times WB).
  localparam int TOP0 = ((R - PAD % R) % R) * WB;
  localparam int ROW_STEP = (STRIDE % R) * WB;
  localparam int IMAGE_STEP = ((H - (HO - 1) * STRIDE) % R) * WB;

  logic [BW-1:0] mem[DEPTH];

  // ---- writer ---------------------------------------------------------------------------------
  logic [AW-1:0] wr_addr;
  logic [WRW-1:0] wr_off;  // beat in its row
  logic [HRW-1:0] wr_row;
  logic signed [1:0] ahead;  // writer's image minus reader's image: -1, 0 or 1
  logic signed [YW-1:0] wy;  // first row of the reader's window (oy*STRIDE - PAD)
  logic signed [YW:0] rel, wrow_s;  // first row the reader still needs; the writer's row
  logic wr_fire, wr_image_end;

  assign rel = wy < 0 ? '0 : (YW + 1)'(wy);
  assign wrow_s = (YW + 1)'(wr_row);
  always_comb begin
    case (ahead)
      -2'sd1:  in_ready = 1'b1;
      2'sd0:   in_ready = wrow_s < rel + (YW + 1)'(R);
      default: in_ready = wrow_s + (YW + 1)'(H) < rel + (YW + 1)'(R);
    endcase
  end
  assign wr_fire = in_valid && in_ready;
  assign wr_image_end = wr_fire && wr_off == WRW'(WB - 1) && wr_row == HRW'(H - 1);

  always_ff @(posedge clk) begin
    if (wr_fire) mem[wr_addr] <= in_data;
  end

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      wr_addr <= '0;
      wr_off  <= '0;
      wr_row  <= '0;
    end else if (wr_fire) begin
      wr_addr <= wr_addr == AW'(DEPTH - 1) ? '0 : wr_addr + 1'b1;
      if (wr_off == WRW'(WB - 1)) begin
        wr_off <= '0;
        wr_row <= wr_row == HRW'(H - 1) ? '0 : wr_row + 1'b1;
      end else begin
        wr_off <= wr_off + 1'b1;
      end
    end
  end

  // ---- reader ---------------------------------------------------------------------------------
  logic [OYW-1:0] oy;
  logic [OXW-1:0] ox;
  logic [KYW-1:0] ky;
  logic [BOW-1:0] bo;  // beat in the window row: kx * CB + cb
  logic signed [YW-1:0] iy;  // wy + ky
  logic signed [XW-1:0] wx;  // (ox*STRIDE - PAD) * CB
  logic signed [XW-1:0] off;  // wx + bo
  logic [AW-1:0] top_base, row_base;  // addresses of the slots of rows wy and iy
  logic pad, written, can_read, advance, issue, rd_image_end;

  assign off = wx + XW'(bo);
  assign pad = iy < 0 || iy >= YW'(H) || off < 0 || off >= XW'(WB);
  assign written = ahead == 2'sd1 ||
      (ahead == 2'sd0 && ((YW + 1)'(iy) < wrow_s ||
                          ((YW + 1)'(iy) == wrow_s && off < XW'(wr_off))));
  assign can_read = pad || written;
  assign advance = !out_valid || out_ready;
  assign issue = advance && can_read;
  assign rd_image_end = issue && bo == BOW'(KB - 1) && ky == KYW'(K - 1) &&
                        ox == OXW'(WO - 1) && oy == OYW'(HO - 1);

  // a + step modulo DEPTH, for a < DEPTH and step < DEPTH.
  function automatic logic [AW-1:0] add_wrap(input logic [AW-1:0] a, input logic [AW:0] step);
    logic [AW:0] s;
    logic [AW-1:0] t;
    s = {1'b0, a} + step;
    t = s[AW-1:0] - AW'(DEPTH);
    add_wrap = s >= (AW + 1)'(DEPTH) ? t[AW-1:0] : s[AW-1:0];
  endfunction

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      oy       <= '0;
      ox       <= '0;
      ky       <= '0;
      bo       <= '0;
      wy       <= -YW'(PAD);
      iy       <= -YW'(PAD);
      wx       <= -XW'(PAD * CB);
      top_base <= AW'(TOP0);
      row_base <= AW'(TOP0);
    end else if (issue) begin
      if (bo != BOW'(KB - 1)) begin
        bo <= bo + 1'b1;
      end else begin
        bo <= '0;
        if (ky != KYW'(K - 1)) begin  // next row of the window
          ky       <= ky + 1'b1;
          iy       <= iy + 1'b1;
          row_base <= add_wrap(row_base, (AW + 1)'(WB));
        end else begin
          ky <= '0;
          if (ox != OXW'(WO - 1)) begin  // next window of the output row
            ox       <= ox + 1'b1;
            wx       <= wx + XW'(STRIDE * CB);
            iy       <= wy;
            row_base <= top_base;
          end else begin
            ox <= '0;
            wx <= -XW'(PAD * CB);
            if (oy != OYW'(HO - 1)) begin  // next output row
              oy       <= oy + 1'b1;
              wy       <= wy + YW'(STRIDE);
              iy       <= wy + YW'(STRIDE);
              top_base <= add_wrap(top_base, (AW + 1)'(ROW_STEP));
              row_base <= add_wrap(top_base, (AW + 1)'(ROW_STEP));
            end else begin  // next image
              oy       <= '0;
              wy       <= -YW'(PAD);
              iy       <= -YW'(PAD);
              top_base <= add_wrap(top_base, (AW + 1)'(IMAGE_STEP));
              row_base <= add_wrap(top_base, (AW + 1)'(IMAGE_STEP));
            end
          end
        end
      end
    end
  end

  always_ff @(posedge clk) begin
    if (!rst_n) ahead <= '0;
    else ahead <= ahead + (wr_image_end ? 2'sd1 : 2'sd0) - (rd_image_end ? 2'sd1 : 2'sd0);
  end

  // ---- output register: the memory's synchronous read, zero for padding -------------------------
  logic [AW-1:0] rd_addr;
  assign rd_addr = AW'(row_base + AW'(off));

  always_ff @(posedge clk) begin
    if (!rst_n) out_valid <= 1'b0;
    else if (advance) out_valid <= can_read;
  end

  always_ff @(posedge clk) begin
    if (issue) out_data <= pad ? '0 : mem[rd_addr];
  end
endmodule
