#!/usr/bin/python3
"""Trains the sequence interest model of DESIGN.md: a bidirectional LSTM over a user's last N items that scores a
candidate item, and exports it to ONNX with a model card and a vocabulary the Rialto registry serves unchanged.

Input: an events CSV in the ingest format (id,type,user,item,quantity,timestamp[,query]), as written by
`rialto:export-events FILE`. Only item events count: view, click, add_to_cart, purchase (others are ignored).

Protocol (the same as the Java trainer's, so the numbers are comparable):
  * events sorted by time; the test period starts at the (1 - test_fraction) quantile by count (all events),
    moved back to the first event with that timestamp, or at --split-at;
  * the model is fitted on the sequences before the split only; each position t of a user's sequence is a
    positive (history = the N items before t, candidate = item t) with --negatives negatives, uniform or
    popularity-sampled (--negative-sampling); --arch bilstm (DESIGN.md) or gru (GRU4Rec-style);
  * evaluation: for every user with item events in the test period, the history is the last N items before the
    split and the positives are the distinct items of the test period; every catalogue item is ranked
    (full ranking, HR@10 and NDCG@10 with binary relevance and ideal DCG of min(|positives|, 10)), and each
    positive is ranked among 100 sampled items the user did not touch in the test period (He et al. 2017).
    Popularity (item event counts before the split) is measured on the same users as a sanity anchor.

Usage:
  /usr/bin/python3 models/sequence/train.py --events events.csv --out /opt/rialto/models [--items items.csv]

Writes <out>/<name>/<version>/{model.onnx, model.json, vocabulary.txt} through a hidden temp folder and a rename.
Needs Debian's python3-torch and python3-onnx (apt-get install python3-torch python3-onnx).
"""
import argparse
import csv
import datetime as dt
import gzip
import json
import math
import os
import random
import shutil
import sys
import time

import numpy as np
import torch
from torch import nn

ITEM_EVENTS = {"view", "click", "add_to_cart", "purchase"}
PAD, OOV, FIRST = 0, 1, 2
K = 10


def parse_time(text):
    text = text.strip()
    if text.isdigit():
        return dt.datetime.fromtimestamp(int(text) / 1000, dt.timezone.utc)
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    t = dt.datetime.fromisoformat(text)
    return t if t.tzinfo else t.replace(tzinfo=dt.timezone.utc)


def read_events(path):
    opener = gzip.open if path.endswith(".gz") else open
    out = []
    with opener(path, "rt", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            out.append((parse_time(row["timestamp"]), row["type"].strip().lower(), row["user"].strip(),
                        (row.get("item") or "").strip()))
    out.sort(key=lambda e: e[0])
    return out


def read_items(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", newline="") as f:
        return [row["id"].strip() for row in csv.DictReader(f)]


def split_index(events, fraction):
    at = int(math.floor((1 - fraction) * len(events)))
    t = events[at][0]
    while at > 0 and events[at - 1][0] >= t:
        at -= 1
    return at


class SequenceModel(nn.Module):
    """Item embeddings shared by history and candidate; score = sigmoid(dot(user, candidate) + item bias).
    arch "bilstm" (DESIGN.md): BiLSTM over the history, masked mean of its outputs, projected to the embedding size.
    arch "gru" (GRU4Rec-style, Hidasi et al. 2016): a GRU over the history, its state after the newest item
    (histories are left-padded, so the last position), projected to the embedding size.
    arch "sasrec" (Kang and McAuley 2018): causal self-attention blocks over the history with learnt positions,
    the output at the newest position is the user."""

    def __init__(self, vocab, dim, hidden, arch="bilstm", max_len=20, blocks=2, heads=1, dropout=0.2):
        super().__init__()
        self.arch = arch
        self.embed = nn.Embedding(vocab, dim, padding_idx=PAD)
        self.bias = nn.Embedding(vocab, 1, padding_idx=PAD)
        if arch == "gru":
            self.rnn = nn.GRU(dim, hidden, batch_first=True)
            self.project = nn.Linear(hidden, dim)
        elif arch == "sasrec":
            self.heads = heads
            self.position = nn.Embedding(max_len, dim)
            self.drop = nn.Dropout(dropout)
            self.blocks = nn.ModuleList([Block(dim, heads, dropout) for _ in range(blocks)])
            self.norm = nn.LayerNorm(dim)
            # A constant of the graph (max_len is fixed by the signature): position i sees positions <= i.
            self.register_buffer("causal", torch.tril(torch.ones(max_len, max_len, dtype=torch.bool)))
            # Also a constant: ONNX Runtime has no boolean EyeLike.
            self.register_buffer("diagonal", torch.eye(max_len, dtype=torch.bool))
        else:
            self.lstm = nn.LSTM(dim, hidden, batch_first=True, bidirectional=True)
            self.project = nn.Linear(2 * hidden, dim)
        nn.init.normal_(self.embed.weight, std=0.05)
        nn.init.zeros_(self.bias.weight)

    def causal_model(self):
        """Whether states() gives one state per position that sees only that position and earlier ones."""
        return self.arch in ("gru", "sasrec")

    def states(self, history):
        """[batch, positions, dim]: the state after each position (gru, sasrec)."""
        if self.arch == "gru":
            out, _ = self.rnn(self.embed(history))
            return self.project(out)
        keys = history != PAD
        x = self.embed(history) * math.sqrt(self.embed.embedding_dim)
        x = self.drop(x + self.position.weight.unsqueeze(0))
        x = x * keys.unsqueeze(-1)
        # Padding keys are hidden; every position sees itself, so a padding row never has an empty softmax.
        allowed = (self.causal.unsqueeze(0) & keys.unsqueeze(1)) | self.diagonal.unsqueeze(0)
        for block in self.blocks:
            x = block(x, allowed) * keys.unsqueeze(-1)
        return self.norm(x)

    def user(self, history):
        if self.causal_model():
            return self.states(history)[:, -1]
        mask = (history != PAD).unsqueeze(-1).float()
        out, _ = self.lstm(self.embed(history))
        pooled = (out * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        return self.project(pooled)

    def logits(self, users):
        """Every vocabulary item's logit for each user vector (the last dimension)."""
        return users @ self.embed.weight.t() + self.bias.weight[:, 0]

    def forward(self, history, candidate):
        u = self.user(history)
        c = candidate[:, 0]
        logit = (u * self.embed(c)).sum(-1, keepdim=True) + self.bias(c)
        return torch.sigmoid(logit)


class Block(nn.Module):
    """A pre-norm transformer block with masked multi-head self-attention written out (exports at opset 13)."""

    def __init__(self, dim, heads, dropout):
        super().__init__()
        self.heads = heads
        self.norm1 = nn.LayerNorm(dim)
        self.qkv = nn.Linear(dim, 3 * dim)
        self.out = nn.Linear(dim, dim)
        self.norm2 = nn.LayerNorm(dim)
        self.ffn = nn.Sequential(nn.Linear(dim, dim), nn.GELU(), nn.Dropout(dropout), nn.Linear(dim, dim))
        self.drop = nn.Dropout(dropout)

    def forward(self, x, allowed):
        b, n, d = x.shape
        h = self.heads
        q, k, v = self.qkv(self.norm1(x)).chunk(3, dim=-1)
        q = q.reshape(b, n, h, d // h).transpose(1, 2)
        k = k.reshape(b, n, h, d // h).transpose(1, 2)
        v = v.reshape(b, n, h, d // h).transpose(1, 2)
        scores = q @ k.transpose(-1, -2) / math.sqrt(d // h)
        scores = scores.masked_fill(~allowed.unsqueeze(1), -1e9)
        attended = (torch.softmax(scores, dim=-1) @ v).transpose(1, 2).reshape(b, n, d)
        x = x + self.drop(self.out(attended))
        return x + self.drop(self.ffn(self.norm2(x)))


def pad_left(seq, n):
    seq = seq[-n:]
    return [PAD] * (n - len(seq)) + seq


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--events", required=True)
    p.add_argument("--items", help="catalogue CSV with an id column; default: every item seen in the events")
    p.add_argument("--out", required=True, help="models folder")
    p.add_argument("--name", default="sequence")
    p.add_argument("--max-len", type=int, default=20)
    p.add_argument("--dim", type=int, default=32)
    p.add_argument("--hidden", type=int, default=32)
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--negatives", type=int, default=4)
    p.add_argument("--arch", choices=["bilstm", "gru", "sasrec"], default="bilstm",
                   help="bilstm (DESIGN.md), gru (GRU4Rec-style: the GRU state after the newest item) or sasrec "
                        "(causal self-attention, Kang and McAuley 2018)")
    p.add_argument("--loss", choices=["sampled", "softmax"], default="sampled",
                   help="sampled: binary cross-entropy against --negatives sampled items per positive; softmax: "
                        "cross-entropy over the whole vocabulary (gru and sasrec: at every position of each "
                        "window of the user's sequence at once)")
    p.add_argument("--prefix-sample", type=float, default=1.0,
                   help="bilstm with --loss softmax: share of the training prefixes drawn afresh each epoch (a "
                        "bidirectional model needs one pass per prefix, about --max-len times the work of a causal "
                        "model's window; 0.25 makes an epoch about a quarter of that)")
    p.add_argument("--blocks", type=int, default=2, help="sasrec: self-attention blocks")
    p.add_argument("--heads", type=int, default=1, help="sasrec: attention heads (must divide --dim)")
    p.add_argument("--dropout", type=float, default=0.2, help="sasrec: dropout")
    p.add_argument("--negative-sampling", choices=["uniform", "popularity", "mixed"], default="uniform",
                   help="negatives uniform over the vocabulary, in proportion to count^0.75 (word2vec: the item bias "
                        "alone cannot separate them, so the model must use the history), or an even mix of both")
    p.add_argument("--batch", type=int, default=512)
    p.add_argument("--lr", type=float, default=0.005)
    p.add_argument("--test-fraction", type=float, default=0.2)
    p.add_argument("--split-at", help="ISO-8601 instant: the test period starts here instead of the quantile")
    p.add_argument("--min-count", type=int, default=1,
                   help="items with fewer training events map to the out-of-vocabulary index")
    p.add_argument("--eval-users", type=int, default=2000)
    p.add_argument("--seed", type=int, default=12345)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--metrics-json", help="also write the evaluation (model and popularity) to this file")
    a = p.parse_args()

    random.seed(a.seed)
    np.random.seed(a.seed)
    torch.manual_seed(a.seed)
    torch.set_num_threads(a.threads)
    started = time.time()

    events = read_events(a.events)
    if len(events) < 10:
        sys.exit("too few events: %d" % len(events))
    if a.split_at:
        t = parse_time(a.split_at)
        split = next((i for i, e in enumerate(events) if e[0] >= t), len(events))
    else:
        split = split_index(events, a.test_fraction)
    split_at = events[split][0]
    catalogue = read_items(a.items) if a.items else sorted({e[3] for e in events if e[1] in ITEM_EVENTS and e[3]})
    in_catalogue = set(catalogue)

    train_seq, test_pos, counts = {}, {}, {}
    for i, (t, kind, user, item) in enumerate(events):
        if kind not in ITEM_EVENTS or item not in in_catalogue:
            continue
        if i < split:
            seq = train_seq.setdefault(user, [])
            if not seq or seq[-1] != item:  # repeated views of one item are one step
                seq.append(item)
            counts[item] = counts.get(item, 0) + 1
        else:
            test_pos.setdefault(user, set()).add(item)

    vocabulary = sorted(i for i, c in counts.items() if c >= a.min_count)
    index = {item: FIRST + n for n, item in enumerate(vocabulary)}
    vocab_size = FIRST + len(vocabulary)
    ids = lambda seq: [index.get(i, OOV) for i in seq]

    histories, candidates = [], []
    for seq in train_seq.values():
        encoded = ids(seq)
        for t in range(1, len(encoded)):
            histories.append(pad_left(encoded[:t], a.max_len))
            candidates.append(encoded[t])
    if not histories:
        sys.exit("no training sequences before the split")
    hist = torch.tensor(histories, dtype=torch.long)
    cand = torch.tensor(candidates, dtype=torch.long)
    print("events %d, split at %s (index %d), users %d, vocabulary %d, training positives %d"
          % (len(events), split_at.isoformat(), split, len(train_seq), len(vocabulary), len(histories)), flush=True)

    model = SequenceModel(vocab_size, a.dim, a.hidden, a.arch, a.max_len, a.blocks, a.heads, a.dropout)
    optimiser = torch.optim.Adam(model.parameters(), lr=a.lr)
    if a.loss == "softmax":
        train_softmax(model, optimiser, a, train_seq, ids, hist, cand, started)
    else:
        train_sampled(model, optimiser, a, index, counts, vocab_size, hist, cand, started)

    model.eval()
    metrics, baselines, again, evaluated = evaluate(model, a, train_seq, test_pos, catalogue, index, counts)
    print("evaluated %d users: model %s; popularity %s; buy-again %s" % (evaluated, metrics, baselines, again),
          flush=True)

    if a.metrics_json:
        # Before the export, so a failing export does not lose the evaluation.
        with open(a.metrics_json, "w", encoding="utf-8") as f:
            json.dump({"model": metrics, "popularity": baselines, "buy-again": again, "users": evaluated,
                       "arch": a.arch, "loss": a.loss, "negativeSampling": a.negative_sampling, "epochs": a.epochs,
                       "maxLen": a.max_len, "dim": a.dim}, f, indent=2)
    created = dt.datetime.now(dt.timezone.utc)
    version = created.strftime("%Y%m%dT%H%M%S") + "%03dZ" % (created.microsecond // 1000)
    folder = os.path.join(a.out, a.name)
    os.makedirs(folder, exist_ok=True)
    tmp = os.path.join(folder, ".tmp-" + version)
    os.makedirs(tmp)
    try:
        export(model, a, os.path.join(tmp, "model.onnx"))
        with open(os.path.join(tmp, "vocabulary.txt"), "w", encoding="utf-8") as f:
            for item in vocabulary:
                f.write(item + "\n")
        card = {
            "name": a.name,
            "version": version,
            "createdAt": created.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (created.microsecond // 1000),
            "framework": "pytorch %s %s" % (torch.__version__,
                                            {"gru": "GRU", "sasrec": "SASRec", "bilstm": "BiLSTM"}[a.arch]),
            "signature": {
                "inputs": [
                    {"name": "history", "type": "int64", "shape": [-1, a.max_len], "feature": "history_item_ids"},
                    {"name": "candidate", "type": "int64", "shape": [-1, 1], "feature": "candidate_item_id"},
                ],
                "outputs": [{"name": "score", "type": "float32", "shape": [-1, 1], "positiveIndex": 0}],
            },
            "vocabulary": {"file": "vocabulary.txt", "padding": PAD, "oov": OOV, "first": FIRST},
            "training": {
                "from": events[0][0].isoformat().replace("+00:00", "Z"),
                "to": events[-1][0].isoformat().replace("+00:00", "Z"),
                "splitAt": split_at.isoformat().replace("+00:00", "Z"),
                "events": len(events), "trainPositives": len(histories), "evalUsers": evaluated,
                "historyLimit": a.max_len,
                "history": "the user's last %d item events (view, click, add_to_cart, purchase), oldest first, "
                           "consecutive repeats of one item collapsed, left-padded with %d" % (a.max_len, PAD),
                "labels": ("1 = the next item the user acted on, 0 = %d %s items per positive"
                           % (a.negatives, {"uniform": "uniform", "popularity": "popularity-sampled (count^0.75)",
                                            "mixed": "half uniform, half popularity-sampled (count^0.75)"}
                              [a.negative_sampling])) if a.loss == "sampled" else
                          "the next item the user acted on, softmax over the vocabulary; the served score is "
                          "sigmoid(logit), a monotone transform of it",
                "trainer": "Adam lr=%g, epochs=%d, batch=%d, arch=%s, loss=%s, dim=%d, hidden=%d, blocks=%d, "
                           "heads=%d, dropout=%g, seed=%d%s"
                           % (a.lr, a.epochs, a.batch, a.arch, a.loss, a.dim, a.hidden, a.blocks, a.heads,
                              a.dropout, a.seed, ", prefix share per epoch %g" % a.prefix_sample
                              if a.arch == "bilstm" and a.loss == "softmax" and a.prefix_sample < 1 else ""),
            },
            "metrics": metrics,
            "baselines": dict([("popularity." + k, v) for k, v in baselines.items()]
                              + [("buy-again." + k, v) for k, v in again.items()]),
        }
        with open(os.path.join(tmp, "model.json"), "w", encoding="utf-8") as f:
            json.dump(card, f, indent=2)
            f.write("\n")
        os.rename(tmp, os.path.join(folder, version))
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    print("wrote %s (%.0f s)" % (os.path.join(folder, version), time.time() - started))


def train_sampled(model, optimiser, a, index, counts, vocab_size, hist, cand, started):
    """Binary cross-entropy: each (history, next item) positive against --negatives sampled items."""
    # Sampling weights over the vocabulary ids (PAD and OOV never drawn).
    uniform = torch.zeros(vocab_size, dtype=torch.double)
    popular = torch.zeros(vocab_size, dtype=torch.double)
    for item, n_id in index.items():
        uniform[n_id] = 1.0
        popular[n_id] = counts[item] ** 0.75
    uniform /= uniform.sum()
    popular /= popular.sum()
    draw = {"uniform": uniform, "popularity": popular, "mixed": (uniform + popular) / 2}[a.negative_sampling]
    loss_fn = nn.BCELoss()
    n = len(hist)
    for epoch in range(a.epochs):
        model.train()
        order = torch.randperm(n)
        total = 0.0
        for b in range(0, n, a.batch):
            batch = order[b:b + a.batch]
            h = hist[batch]
            pos = cand[batch].unsqueeze(1)
            neg = torch.multinomial(draw, len(batch) * a.negatives, replacement=True).unsqueeze(1)
            h_all = torch.cat([h, h.repeat(a.negatives, 1)])
            c_all = torch.cat([pos, neg])
            y = torch.cat([torch.ones(len(batch), 1), torch.zeros(len(neg), 1)])
            optimiser.zero_grad()
            loss = loss_fn(model(h_all, c_all), y)
            loss.backward()
            optimiser.step()
            total += loss.item() * len(batch)
        print("epoch %d: loss %.4f (%.0f s)" % (epoch + 1, total / n, time.time() - started), flush=True)


def windows(train_seq, ids, n):
    """Each user's sequence cut from its end into windows of n + 1 items: input = the first n (left-padded),
    target = the next item at each position (PAD where there is none, ignored by the loss)."""
    inputs, targets = [], []
    for seq in train_seq.values():
        encoded = ids(seq)
        end = len(encoded)
        while end >= 2:
            chunk = encoded[max(0, end - n - 1):end]
            inputs.append(pad_left(chunk[:-1], n))
            targets.append(pad_left(chunk[1:], n))
            end -= n
    return torch.tensor(inputs, dtype=torch.long), torch.tensor(targets, dtype=torch.long)


def train_softmax(model, optimiser, a, train_seq, ids, hist, cand, started):
    """Cross-entropy over the whole vocabulary (GRU4Rec with full softmax, SASRec with full softmax): no sampled
    negatives, so the model must spread probability over every item, as full ranking asks. Causal models learn
    from every position of a window at once; the BiLSTM, which sees the whole history, from each prefix."""
    loss_fn = nn.CrossEntropyLoss(ignore_index=PAD)
    if model.causal_model():
        inputs, targets = windows(train_seq, ids, a.max_len)
    else:
        inputs, targets = hist, cand
    n = len(inputs)
    # The BiLSTM may see a fresh random share of the prefixes per epoch (every prefix is a full pass over N steps).
    per_epoch = n if model.causal_model() else max(1, int(round(n * min(1.0, a.prefix_sample))))
    print("softmax training on %d %s%s" % (n, "windows" if model.causal_model() else "prefixes",
                                           "" if per_epoch == n else ", %d drawn per epoch" % per_epoch), flush=True)
    batch = a.batch if not model.causal_model() else max(16, a.batch // 4)
    for epoch in range(a.epochs):
        model.train()
        order = torch.randperm(n)[:per_epoch]
        total, count = 0.0, 0
        for b in range(0, per_epoch, batch):
            rows = order[b:b + batch]
            optimiser.zero_grad()
            if model.causal_model():
                logits = model.logits(model.states(inputs[rows]))
                loss = loss_fn(logits.reshape(-1, logits.shape[-1]), targets[rows].reshape(-1))
                weight = int((targets[rows] != PAD).sum())
            else:
                loss = loss_fn(model.logits(model.user(inputs[rows])), targets[rows])
                weight = len(rows)
            loss.backward()
            optimiser.step()
            total += loss.item() * weight
            count += weight
        print("epoch %d: loss %.4f (%.0f s)" % (epoch + 1, total / max(count, 1), time.time() - started),
              flush=True)


def ndcg_full(top, positives):
    dcg = sum(1 / math.log2(r + 2) for r, i in enumerate(top) if i in positives)
    ideal = sum(1 / math.log2(r + 2) for r in range(min(len(positives), K)))
    return (1.0 if dcg > 0 else 0.0), (dcg / ideal if ideal else 0.0)


def evaluate(model, a, train_seq, test_pos, catalogue, index, counts):
    rng = random.Random(a.seed)
    users = sorted(test_pos)
    rng.shuffle(users)
    users = users[:a.eval_users]
    cat_ids = torch.tensor([[index.get(i, OOV)] for i in catalogue], dtype=torch.long)
    pop = np.array([counts.get(i, 0) for i in catalogue], dtype=np.float64)
    position = {item: n for n, item in enumerate(catalogue)}
    sums = {"model": np.zeros(4), "popularity": np.zeros(4), "buy-again": np.zeros(4)}
    evaluated = 0
    with torch.no_grad():
        for u in users:
            positives = {position[i] for i in test_pos[u] if i in position}
            if not positives:
                continue
            seq = [index.get(i, OOV) for i in train_seq.get(u, [])]
            h = torch.tensor([pad_left(seq, a.max_len)], dtype=torch.long)
            # The served score is sigmoid(user . item + bias): its order is the logit's, computed here for all
            # items at once from one user vector.
            scores = model.logits(model.user(h))[0][cat_ids[:, 0]].numpy().astype(np.float64)
            ties = np.array([rng.random() for _ in catalogue])
            negatives = [j for j in rng.sample(range(len(catalogue)), min(len(catalogue), 100 + len(positives) * 2))
                         if j not in positives][:100]
            # Buy again: the user's own training events per item, ties by popularity (as the Java harness).
            own = np.zeros(len(catalogue))
            for i in train_seq.get(u, []):
                if i in position:
                    own[position[i]] += 1
            again = own + pop / (pop.max() + 1)
            for name, s in (("model", scores), ("popularity", pop), ("buy-again", again)):
                top = list(np.lexsort((-ties, -s))[:K])
                hit, ndcg = ndcg_full(top, positives)
                sums[name][2] += hit
                sums[name][3] += ndcg
                hr_s = nd_s = 0.0
                for pidx in positives:
                    greater = sum(1 for j in negatives if s[j] > s[pidx])
                    tied = sum(1 for j in negatives if s[j] == s[pidx])
                    rank = greater + (rng.randint(0, tied) if tied else 0)
                    if rank < K:
                        hr_s += 1
                        nd_s += 1 / math.log2(rank + 2)
                sums[name][0] += hr_s / len(positives)
                sums[name][1] += nd_s / len(positives)
            evaluated += 1
    names = ["hr@10", "ndcg@10", "hr@10.full", "ndcg@10.full"]
    out = {k: {n: float(v / max(evaluated, 1)) for n, v in zip(names, sums[k])} for k in sums}
    return out["model"], out["popularity"], out["buy-again"], evaluated


def export(model, a, path):
    h = torch.zeros(2, a.max_len, dtype=torch.long)
    c = torch.full((2, 1), FIRST, dtype=torch.long)
    torch.onnx.export(model, (h, c), path, input_names=["history", "candidate"], output_names=["score"],
                      dynamic_axes={"history": {0: "batch"}, "candidate": {0: "batch"}, "score": {0: "batch"}},
                      opset_version=13)
    import onnx
    onnx.checker.check_model(onnx.load(path))


if __name__ == "__main__":
    main()
