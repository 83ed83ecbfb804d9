#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# tools/man-cjk.sh: filters roff (from scdoc) so that groff may break a line between
# two Chinese characters (\: is a break point that prints nothing); without it a
# Chinese paragraph is one unbreakable word ("can't break line"). No break before a
# closing mark (、。，）...) or after an opening one (（「...), as Chinese typesetting has it.
exec perl -CSD -Mutf8 -pe '
    next if /^\.(TH|SH)/;
    s/([\x{2E80}-\x{9FFF}\x{F900}-\x{FAFF}\x{FE30}-\x{FE4F}\x{FF00}-\x{FFEF}])
      (?<![（「『【《〈“‘])
      (?=[\x{2E80}-\x{9FFF}\x{F900}-\x{FAFF}\x{FE30}-\x{FE4F}\x{FF00}-\x{FFEF}])
      (?![、。，；：）」』】》〉！？”’])/$1\\:/gx'
