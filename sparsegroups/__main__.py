"`python -m sparsegroups ...` (and `torchrun -m sparsegroups train ...`): the console script's entry point."
import sys
from sparsegroups.cli import main

sys.exit(main())
