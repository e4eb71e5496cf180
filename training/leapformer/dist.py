"""torch.distributed in the manner of icefall's: one process per device, launched by torchrun
(RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR/PORT in the environment); NCCL on GPUs, gloo on CPU.
Without those variables everything here is a no-op and training runs as one process."""
import os

import torch
import torch.distributed as dist


def world_size() -> int:
    return int(os.environ.get("WORLD_SIZE", "1"))


def rank() -> int:
    return int(os.environ.get("RANK", "0"))


def local_rank() -> int:
    return int(os.environ.get("LOCAL_RANK", "0"))


def setup_dist(device: torch.device) -> None:
    """Joins the process group when launched with more than one rank."""
    if world_size() > 1 and not dist.is_initialized():
        dist.init_process_group(backend="nccl" if device.type == "cuda" else "gloo")


def cleanup_dist() -> None:
    if dist.is_initialized():
        dist.destroy_process_group()


def agree(flag: bool) -> bool:
    """Rank 0's value of flag on every rank (a decision such as --max-seconds must be one)."""
    if not dist.is_initialized():
        return flag
    t = torch.tensor([int(flag)])
    dist.broadcast(t, src=0)
    return bool(t.item())


def barrier() -> None:
    if dist.is_initialized():
        dist.barrier()
