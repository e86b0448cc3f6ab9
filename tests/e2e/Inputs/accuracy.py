"""accuracy.py LOGITS.npy LABELS.npy MIN: exit 1 unless the arg-max of each
row of LOGITS matches LABELS on at least MIN of the rows; prints the
accuracy."""
import sys

import numpy as np

logits, labels = np.load(sys.argv[1]), np.load(sys.argv[2])
accuracy = float((logits.argmax(axis=1) == labels).mean())
print(f"accuracy {accuracy:.4f}")
sys.exit(0 if accuracy >= float(sys.argv[3]) else 1)
