"""Small helpers shared by the scripts (icefall habits)."""
import logging
import os
import sys

import torch


class AttributeDict(dict):
    def __getattr__(self, key):
        try:
            return self[key]
        except KeyError:
            raise AttributeError(key)

    def __setattr__(self, key, value):
        self[key] = value


def setup_torch(num_threads: int = 2) -> None:
    """2 shared CPU cores by default; mkldnn off because this torch's Conv1d backward with it
    intermittently returns huge gradients here (-> NaN)."""
    torch.set_num_threads(num_threads)
    torch.backends.mkldnn.enabled = False


def setup_logger(log_file: str = None) -> None:
    handlers = [logging.StreamHandler(sys.stderr)]
    if log_file:
        os.makedirs(os.path.dirname(log_file) or ".", exist_ok=True)
        handlers.append(logging.FileHandler(log_file))
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(levelname)s [%(filename)s:%(lineno)d] %(message)s",
        handlers=handlers,
        force=True,
    )


def str2bool(v) -> bool:
    if isinstance(v, bool):
        return v
    return v.lower() in ("1", "true", "yes", "y")
