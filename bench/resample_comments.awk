# Resamples one-comment-per-line text into a CSV of `copies` x as many rows:
# row r draws a line uniformly with replacement (MINSTD LCG, fixed seed, so
# the output is the same on every awk), gets a unique id "r<copies>-<r>" and
# a date spread over 2023-2024 from the same generator.
#   awk -v copies=4 -f bench/resample_comments.awk comments.txt > out.csv
BEGIN { x = 20261201; if (copies == "") copies = 1 }
{ line[NR] = $0 }
function next_rand() { x = (x * 48271) % 2147483647; return x }
END {
    n = NR
    print "id,date,comment"
    split("31 28 31 30 31 30 31 31 30 31 30 31", mdays, " ")
    for (r = 1; r <= n * copies; r++) {
        t = line[next_rand() % n + 1]
        gsub(/"/, "\"\"", t)
        day = next_rand() % 730
        y = 2023
        if (day >= 365) { y = 2024; day -= 365 }
        m = 1
        while (day >= mdays[m]) { day -= mdays[m]; m++ }
        s = next_rand() % 86400
        printf "r%d-%d,%04d-%02d-%02dT%02d:%02d:%02dZ,\"%s\"\n", copies, r, y, m, day + 1,
               int(s / 3600), int(s / 60) % 60, s % 60, t
    }
}
