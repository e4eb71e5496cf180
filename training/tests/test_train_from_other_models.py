"""train.py starting from, or learning from, another model: --init-from and --teacher."""
import pytest
import torch

from conftest import small_model


def test_softmax_weights_start_a_leap_model(tmp_path):
    import train

    softmax = small_model("softmax", seed=1, dtype=torch.float32)
    path = tmp_path / "softmax.pt"
    torch.save({"model": softmax.state_dict()}, path)
    leap = small_model("leap", seed=2, dtype=torch.float32)
    before = {k: v.clone() for k, v in leap.state_dict().items()}

    train.init_from(leap, str(path))

    after, src = leap.state_dict(), softmax.state_dict()
    fresh = [k for k in after if k not in src]
    assert fresh and all("_prop." in k for k in fresh)
    for k in fresh:
        assert torch.equal(after[k], before[k]), k
    for k in src:
        assert torch.equal(after[k], src[k]), k


def test_a_model_with_nothing_in_common_is_refused(tmp_path):
    import train

    path = tmp_path / "other.pt"
    torch.save({"model": {"something.else": torch.zeros(3)}}, path)
    with pytest.raises(ValueError, match="no tensor matches"):
        train.init_from(small_model("leap", dtype=torch.float32), str(path))


def test_distill_kl_is_zero_for_the_teacher_itself_and_skips_padding():
    from leapformer.model import distill_kl

    torch.manual_seed(0)
    teacher = torch.randn(2, 3, 7)
    target = torch.tensor([[4, 5, 0], [6, 0, 0]])  # pad 0
    assert float(distill_kl(teacher, teacher, target, 0)) == pytest.approx(0.0, abs=1e-6)
    student = torch.randn(2, 3, 7)
    kl = float(distill_kl(student, teacher, target, 0))
    assert kl > 0
    student[1, 2] += 100.0  # a padded position changes nothing
    assert float(distill_kl(student, teacher, target, 0)) == pytest.approx(kl)


def test_graft_takes_only_the_matching_tensors_from_the_donor():
    import graft

    leap = {"model": small_model("leap", seed=1, dtype=torch.float32).state_dict()}
    softmax = {"model": small_model("softmax", seed=2, dtype=torch.float32).state_dict()}
    before = {k: v.clone() for k, v in leap["model"].items()}

    names = graft.graft(leap, softmax, r"cross_attn\.[qk]_proj\.")

    assert names and all("cross_attn" in n for n in names)
    for k, v in leap["model"].items():
        assert torch.equal(v, softmax["model"][k] if k in names else before[k]), k
    with pytest.raises(ValueError, match="no tensor"):
        graft.graft(leap, softmax, r"no_such_tensor")
    softmax["model"][names[0]] = torch.zeros(3)
    with pytest.raises(ValueError, match="shape"):
        graft.graft(leap, softmax, r"cross_attn\.[qk]_proj\.")
