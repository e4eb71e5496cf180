"""Distributed training on CPU (gloo): two ranks for N steps end with the same parameters as
one process with the same global batch (--accum-grad 2), to 1e-5; and a DDP run resumed from
its checkpoint continues exactly (same parameters as the run that never stopped)."""
import os
import socket

import pytest
import torch
import torch.multiprocessing as mp


def tiny_params(data, exp_dir, **overrides):
    import train
    args = train.get_parser().parse_args([
        "--manifest-dir", str(data / "manifests"), "--lang-dir", str(data / "lang"),
        "--exp-dir", str(exp_dir), "--num-steps", "3", "--batch-frames", "1200",
        "--warmup-steps", "2", "--save-every-n", "1", "--keep-last-k", "10",
        "--valid-every-n", "1000", "--log-every-n", "1", "--d-model", "32", "--num-heads", "2",
        "--encoder-layers", "2", "--decoder-layers", "1", "--ffn-dim", "64",
        "--pre-decision", "3", "--dropout", "0", "--num-threads", "1", "--device", "cpu",
    ])
    params = train.get_params()
    params.update(vars(args))
    params.update(overrides)
    return dict(params)


def _rank_main(rank, world, port, params):
    os.environ.update(RANK=str(rank), WORLD_SIZE=str(world), LOCAL_RANK=str(rank),
                      MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port))
    import train
    from leapformer.utils import AttributeDict
    train.run(AttributeDict(params))


def run_ddp(params, world=2):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    mp.spawn(_rank_main, args=(world, port, params), nprocs=world, join=True)


def run_one(params):
    import train
    from leapformer.utils import AttributeDict
    return train.run(AttributeDict(params))


def weights(path):
    return torch.load(path, map_location="cpu")["model"]


def max_diff(a, b):
    assert a.keys() == b.keys()
    return max(float((a[k].float() - b[k].float()).abs().max()) for k in a)


def test_two_gloo_ranks_equal_one_process_with_the_same_global_batch(tiny_data, tmp_path):
    run_one(tiny_params(tiny_data, tmp_path / "one", accum_grad=2))
    run_ddp(tiny_params(tiny_data, tmp_path / "ddp", accum_grad=1))

    start = weights(tmp_path / "one" / "checkpoint-1.pt")
    one, two = weights(tmp_path / "one" / "checkpoint-3.pt"), weights(tmp_path / "ddp" / "checkpoint-3.pt")
    assert max_diff(start, one) > 1e-3  # the steps did change the model
    assert max_diff(one, two) < 1e-5
    # rank 0 alone logs and writes
    assert (tmp_path / "ddp" / "log" / "train.log").exists()
    assert "DDP: 2 ranks (gloo)" in (tmp_path / "ddp" / "log" / "train.log").read_text()


def test_a_resumed_ddp_run_continues_exactly(tiny_data, tmp_path):
    straight = tiny_params(tiny_data, tmp_path / "straight", num_steps=5)
    run_ddp(straight)
    first = tiny_params(tiny_data, tmp_path / "resumed", num_steps=2)
    run_ddp(first)
    run_ddp(dict(first, num_steps=5, resume=str(tmp_path / "resumed" / "checkpoint-2.pt")))

    assert max_diff(weights(tmp_path / "straight" / "checkpoint-5.pt"),
                    weights(tmp_path / "resumed" / "checkpoint-5.pt")) < 1e-6
    assert "resumed" in (tmp_path / "resumed" / "log" / "train.log").read_text()


def test_mixed_precision_asks_for_cuda_on_cpu(tiny_data, tmp_path):
    for amp in ("bf16", "fp16"):
        with pytest.raises(ValueError, match=f"--amp {amp} needs a CUDA device"):
            run_one(tiny_params(tiny_data, tmp_path / amp, amp=amp))


def test_a_non_finite_batch_is_skipped_and_kept_out_of_the_stats(tiny_data, tmp_path, monkeypatch):
    import train

    real, calls = train.compute_loss, []

    def first_one_nan(model, batch, params, k, teacher=None, on_policy=False):
        loss, st = real(model, batch, params, k, teacher, on_policy)
        if not model.training:
            return loss, st  # validation
        calls.append(1)
        if len(calls) == 1:
            return loss * float("nan"), dict(st, loss=float("nan"), ce=float("nan"))
        return loss, st

    monkeypatch.setattr(train, "compute_loss", first_one_nan)
    stats = run_one(tiny_params(tiny_data, tmp_path / "nan", num_steps=2))
    assert len(calls) == 3  # the bad batch did not count as a step
    assert all(torch.isfinite(torch.tensor(v)) for v in stats.values())
    assert (tmp_path / "nan" / "checkpoint-2.pt").exists()
