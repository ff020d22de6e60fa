# Independent model of docs/fixed_point.md "Stochastic rounding": the bit sequence as a Python
# list built from the recurrence s[n+31] = s[n+3] ^ s[n] (no shift register), SplitMix64 from its
# published constants, and the rounding rule written from the spec.
M = (1 << 64) - 1

def splitmix64(x):
    z = (x + 0x9E3779B97F4A7C15) & M
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
    return z ^ (z >> 31)

def lane_state(seed, layer, lane):
    h = splitmix64(splitmix64(splitmix64(seed) ^ layer) ^ lane)
    return 1 + h % ((1 << 31) - 1)

def bits(state, n, w=31, t=3):
    s = [(state >> i) & 1 for i in range(w)]
    while len(s) < n:
        k = len(s) - w
        s.append(s[k + t] ^ s[k])
    return s[:n]

def words(state, k, count, w=31, t=3):
    s = bits(state, k * count, w, t)
    return [sum(s[i * k + j] << j for j in range(k)) for i in range(count)]

print("words28 from state 1:", [hex(x) for x in words(1, 28, 6)])
print("words28 from 0x5EED:", [hex(x) for x in words(0x5EED, 28, 4)])
print("words7x1 small (7,1) from 1, k=6:", [hex(x) for x in words(1, 6, 6, 7, 1)])
for args in [(0, 0, 0), (1, 0, 0), (0, 1, 0), (0, 0, 1), (42, 3, 17), (2**64 - 1, 2**64 - 1, 2**64 - 1)]:
    print("lane_state", args, hex(lane_state(*args)))
print("splitmix64(0) =", hex(splitmix64(0)), "splitmix64(1) =", hex(splitmix64(1)))
s = bits(0x5EED, 18 + 31)
print("state after 18 bits from 0x5EED:", hex(sum(s[18 + i] << i for i in range(31))))
print("3-bit words from 0x5EED:", words(0x5EED, 3, 6))
# brute-force period of x^8 + x^4 + 1 (reducible) from state 1
def period(w, t, st=1):
    s0 = st; x = st; n = 0
    while True:
        fresh = ((x ^ (x >> t)) & 1)
        x = (x >> 1) | (fresh << (w - 1)); n += 1
        if x == s0: return n
for w, t in [(7,1),(7,3),(9,4),(10,3),(15,1),(8,4),(8,3),(6,3)]:
    print("period", w, t, period(w, t))
