"""PyTorch peer for bench_bert (run with Debian's /usr/bin/python3 and
python3-torch; never a dependency of vcdiscover). The same BERT-base shape
as Hugging Face's eager BertModel + token classifier: embeddings + LayerNorm,
12 x (self-attention with a padding mask, dense + residual + LayerNorm,
GELU feed-forward + residual + LayerNorm), classifier. Prints JSON lines.

usage: bert_torch.py BATCH SEQ ITERS THREADS
"""
import json
import math
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

V, H, L, A, I, P, C = 30522, 768, 12, 12, 3072, 512, 3


class Layer(nn.Module):
    def __init__(self):
        super().__init__()
        self.q, self.k, self.v, self.o = (nn.Linear(H, H) for _ in range(4))
        self.ln1, self.ln2 = nn.LayerNorm(H, eps=1e-12), nn.LayerNorm(H, eps=1e-12)
        self.i, self.out = nn.Linear(H, I), nn.Linear(I, H)

    def forward(self, x, bias):
        B, S, _ = x.shape
        d = H // A
        split = lambda t: t.view(B, S, A, d).transpose(1, 2)
        q, k, v = split(self.q(x)), split(self.k(x)), split(self.v(x))
        scores = q @ k.transpose(-1, -2) / math.sqrt(d) + bias
        ctx = (scores.softmax(-1) @ v).transpose(1, 2).reshape(B, S, H)
        a = self.ln1(x + self.o(ctx))
        return self.ln2(a + self.out(F.gelu(self.i(a))))


class Bert(nn.Module):
    def __init__(self):
        super().__init__()
        self.word, self.pos, self.types = nn.Embedding(V, H), nn.Embedding(P, H), nn.Embedding(2, H)
        self.ln = nn.LayerNorm(H, eps=1e-12)
        self.layers = nn.ModuleList(Layer() for _ in range(L))
        self.cls = nn.Linear(H, C)

    def forward(self, ids, mask):
        S = ids.shape[1]
        x = self.ln(self.word(ids) + self.pos.weight[:S] + self.types.weight[0])
        bias = (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
        for layer in self.layers:
            x = layer(x, bias)
        return self.cls(x)


def main():
    B, S, iters, threads = (int(a) for a in sys.argv[1:5])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = Bert()
    ids = torch.randint(5, V, (B, S))
    mask = torch.ones(B, S, dtype=torch.long)
    labels = torch.randint(0, C, (B, S))
    model.eval()
    with torch.no_grad():
        best = 1e30
        for it in range(iters + 1):
            t0 = time.perf_counter()
            model(ids, mask)
            if it:
                best = min(best, time.perf_counter() - t0)
    print(json.dumps({"peer": "pytorch", "torch": torch.__version__, "threads": threads,
                      "mode": "infer", "batch": B, "seq": S, "seconds": round(best, 4),
                      "tokens_per_s": round(B * S / best, 1)}))
    model.train()
    opt = torch.optim.AdamW(model.parameters(), lr=2e-5, weight_decay=0.01)
    best = 1e30
    for it in range(iters + 1):
        t0 = time.perf_counter()
        opt.zero_grad()
        loss = F.cross_entropy(model(ids, mask).view(-1, C), labels.view(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if it:
            best = min(best, time.perf_counter() - t0)
    print(json.dumps({"peer": "pytorch", "torch": torch.__version__, "threads": threads,
                      "mode": "train", "batch": B, "seq": S, "seconds": round(best, 4),
                      "tokens_per_s": round(B * S / best, 1)}))


if __name__ == "__main__":
    main()
