#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# `make run READER=pcsc`: the scenario of run_demo.sh through the PC/SC driver (a pcscd of
# the demo's own with vsmartcard's vpcd reader, kwhsim the card in it).
READER=pcsc exec bash "$(dirname "$0")/run_demo.sh"
