# shellcheck shell=bash
# Soak benchmark (not a CI test): build/bootstrap serves N invocations of mixed events
# (findings, CloudTrail config changes, schedules, Security Hub signals, scans, invalid and
# unhandled payloads) from bench/soak.c, a C Runtime API server that is also the fake AWS
# endpoint (every 10th config change finds Inspector disabled: Enable + Publish run).
# It samples the function's VmRSS/VmHWM and open descriptors every SAMPLE invocations and
# passes when RSS stays within 1 MiB of its value after WARMUP invocations and the
# descriptor count never changes.
# Usage: scripts/bench.sh soak [N, default 1000000] [SAMPLE, default N/50] [WARMUP, default N/20]
n=${1:-1000000}
sample=${2:-$(( n / 50 > 0 ? n / 50 : 1 ))}
warmup=${3:-$(( n / 20 ))}
build_dir=${BUILD_DIR:-build}
sw_build "$build_dir" bootstrap soak
export AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=AKIASOAKEXAMPLE AWS_SECRET_ACCESS_KEY=soak-secret
export AWS_LAMBDA_LOG_FORMAT=TEXT AWS_LAMBDA_LOG_LEVEL=WARN AWS_LAMBDA_FUNCTION_NAME=scanwarden
export SNS_TOPIC_ARN=arn:aws:sns:us-east-1:123456789012:scanwarden-alerts
export MIN_SEVERITY=MEDIUM REMEDIATION_MODE=enforce
# The highest per-minute cap: the soak publishes as much as it can (it runs far faster than
# 10,000 notifications a minute, so the cap still suppresses and summarises past that).
export MAX_NOTIFICATIONS_PER_MINUTE=10000
unset AWS_SESSION_TOKEN AWS_ENDPOINT_URL_INSPECTOR2 AWS_ENDPOINT_URL_ECR AWS_ENDPOINT_URL_SNS
echo "soak: $n invocations, sample every $sample, warm-up $warmup ($(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg))"
"$build_dir/bench/soak" "$n" "$sample" "$warmup" tests/data/events "$build_dir/bootstrap"
