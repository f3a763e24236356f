# shellcheck shell=bash
# cronmigrate's AWS calls from bash, sourced by a job's function.sh and the bootstrap: the
# duplicate-delivery guard (DynamoDB), secrets (SSM Parameter Store) and mail (SNS).
#
# Endpoints follow the AWS SDKs' variables (AWS SDKs and Tools Reference Guide, "Service-specific
# endpoints"): AWS_ENDPOINT_URL_<SERVICE> (DYNAMODB, SSM, SNS), else AWS_ENDPOINT_URL, else the
# region's public endpoint; AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true ignores both variables.
#
# EventBridge delivers at least once, so a scheduled run can arrive twice. Before the job
# runs, guard_claim writes the item "<job>#<scheduled time>" to a DynamoDB table with a
# condition that it does not exist yet; the first delivery wins, a duplicate sees
# ConditionalCheckFailedException and skips. Items expire through DynamoDB TTL.
#
# provided.al2023 has neither the AWS CLI nor openssl, so the request is signed here with
# AWS Signature Version 4: HMAC-SHA256 built from coreutils' sha256sum (RFC 2104), with
# the function's temporary credentials from the environment. curl-minimal sends it.

# _guard_hex TEXT: lower-case hex of TEXT's bytes, in REPLY.
_guard_hex() {
    REPLY=$(printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n')
}

# _guard_bytes HEX: printf escapes (\xHH...) for HEX, in REPLY.
_guard_bytes() {
    local hex=$1 i out=''
    for ((i = 0; i < ${#hex}; i += 2)); do
        out+="\\x${hex:i:2}"
    done
    REPLY=$out
}

# _guard_hmac KEY_HEX MESSAGE: hex HMAC-SHA256, in REPLY.
_guard_hmac() {
    local key=$1 msg=$2 i b ipad='' opad='' inner
    if ((${#key} > 128)); then
        _guard_bytes "$key"
        key=$(printf '%b' "$REPLY" | sha256sum)
        key=${key%% *}
    fi
    while ((${#key} < 128)); do key+="0"; done
    for ((i = 0; i < 128; i += 2)); do
        b=$((16#${key:i:2}))
        printf -v ipad '%s\\x%02x' "$ipad" $((b ^ 0x36))
        printf -v opad '%s\\x%02x' "$opad" $((b ^ 0x5c))
    done
    inner=$({ printf '%b' "$ipad"; printf '%s' "$msg"; } | sha256sum)
    _guard_bytes "${inner%% *}"
    inner=$({ printf '%b' "$opad"; printf '%b' "$REPLY"; } | sha256sum)
    REPLY=${inner%% *}
}

# aws_endpoint SERVICE: the URL to call SERVICE (dynamodb, ssm, sns) at, in REPLY.
aws_endpoint() {
    local service=$1 var
    var=AWS_ENDPOINT_URL_${service^^}
    if [[ ${AWS_IGNORE_CONFIGURED_ENDPOINT_URLS:-} != true ]]; then
        REPLY=${!var:-${AWS_ENDPOINT_URL:-}}
        REPLY=${REPLY%/}
        [[ -n $REPLY ]] && return 0
    fi
    REPLY=https://$service.${AWS_REGION:-us-east-1}.amazonaws.com
}

# aws_sign SERVICE TARGET CONTENT_TYPE HOST BODY AMZ_DATE: SigV4 headers, one per line, in REPLY
# (TARGET empty: a query-protocol call, without X-Amz-Target).
aws_sign() {
    local service=$1 target=$2 type=$3 host=$4 body=$5 amz_date=$6 day=${6:0:8}
    local region=${AWS_REGION:-us-east-1} token=${AWS_SESSION_TOKEN:-}
    local headers signed payload_hash canonical scope sts key part signature
    payload_hash=$(printf '%s' "$body" | sha256sum)
    payload_hash=${payload_hash%% *}
    headers="content-type:$type"$'\n'"host:$host"$'\n'"x-amz-date:$amz_date"$'\n'
    signed="content-type;host;x-amz-date"
    if [[ -n $token ]]; then
        headers+="x-amz-security-token:$token"$'\n'
        signed+=";x-amz-security-token"
    fi
    if [[ -n $target ]]; then
        headers+="x-amz-target:$target"$'\n'
        signed+=";x-amz-target"
    fi
    canonical="POST"$'\n'"/"$'\n'$'\n'"$headers"$'\n'"$signed"$'\n'"$payload_hash"
    scope="$day/$region/$service/aws4_request"
    sts=$(printf '%s' "$canonical" | sha256sum)
    sts="AWS4-HMAC-SHA256"$'\n'"$amz_date"$'\n'"$scope"$'\n'"${sts%% *}"
    _guard_hex "AWS4${AWS_SECRET_ACCESS_KEY:-}"
    key=$REPLY
    for part in "$day" "$region" "$service" aws4_request; do
        _guard_hmac "$key" "$part"
        key=$REPLY
    done
    _guard_hmac "$key" "$sts"
    signature=$REPLY
    REPLY="Authorization: AWS4-HMAC-SHA256 Credential=${AWS_ACCESS_KEY_ID:-}/$scope, "
    REPLY+="SignedHeaders=$signed, Signature=$signature"$'\n'
    REPLY+="Content-Type: $type"$'\n'"X-Amz-Date: $amz_date"
    [[ -n $target ]] && REPLY+=$'\n'"X-Amz-Target: $target"
    [[ -n $token ]] && REPLY+=$'\n'"X-Amz-Security-Token: $token"
    return 0
}

# guard_sign BODY AMZ_DATE: aws_sign for a DynamoDB PutItem at the DynamoDB endpoint.
guard_sign() {
    aws_endpoint dynamodb
    aws_sign dynamodb DynamoDB_20120810.PutItem application/x-amz-json-1.0 "${REPLY#*://}" "$1" "$2"
}

# _aws_post SERVICE TARGET CONTENT_TYPE BODY: sign and send to SERVICE's endpoint; body and
# status in REPLY ("<body>\n<status>").
_aws_post() {
    local url line
    local -a args=()
    aws_endpoint "$1"
    url=$REPLY
    aws_sign "$1" "$2" "$3" "${url#*://}" "$4" "$(date -u +%Y%m%dT%H%M%SZ)"
    while IFS= read -r line; do
        args+=(-H "$line")
    done <<<"$REPLY"
    # the body on standard input: an argument may not exceed 128 KiB (MAX_ARG_STRLEN)
    REPLY=$(printf '%s' "$4" |
        curl -sS -m 10 -X POST "${args[@]}" --data-binary @- -w '\n%{http_code}' "$url/" 2>&1)
}

# guard_claim TABLE JOB SCHEDULED_TIME TTL_DAYS
# 0: this delivery runs the job; 1: a duplicate, skip it; 2: the guard could not decide.
guard_claim() {
    local table=$1 job=$2 when=$3 days=$4 now expires body status
    now=$(date -u +%s)
    expires=$((now + days * 86400))
    body="{\"TableName\":\"$table\",\"Item\":{\"pk\":{\"S\":\"$job#$when\"},"
    body+="\"expires\":{\"N\":\"$expires\"}},\"ConditionExpression\":\"attribute_not_exists(pk)\"}"
    _aws_post dynamodb DynamoDB_20120810.PutItem application/x-amz-json-1.0 "$body"
    status=${REPLY##*$'\n'}
    case $status in
        200) return 0 ;;
        400) [[ $REPLY == *ConditionalCheckFailedException* ]] && return 1 ;;
    esac
    printf 'cronmigrate guard: DynamoDB answered %s: %s\n' "$status" "${REPLY%$'\n'*}" >&2
    return 2
}

# ssm_parameter NAME: the decrypted value of an SSM parameter, in REPLY; 1 on failure.
ssm_parameter() {
    local status value
    _aws_post ssm AmazonSSM.GetParameter application/x-amz-json-1.1 "{\"Name\":\"$1\",\"WithDecryption\":true}"
    status=${REPLY##*$'\n'}
    if [[ $status != 200 || ! $REPLY =~ \"Value\":\ ?\"(([^\"\\]|\\.)*)\" ]]; then
        printf 'cronmigrate: SSM parameter %s: %s %s\n' "$1" "$status" "${REPLY%$'\n'*}" >&2
        return 1
    fi
    value=${BASH_REMATCH[1]}
    value=${value//\\\\/$'\001'}  # JSON unescape: \\ aside, then \" and \/, then the rest
    value=${value//\\\"/\"}
    value=${value//\\\//\/}
    value=${value//$'\001'/\\\\}
    printf -v REPLY '%b' "$value"
}

# _form_encode TEXT: TEXT percent-encoded byte by byte (application/x-www-form-urlencoded), in
# REPLY; every byte is encoded, which the form encoding allows and needs no table.
_form_encode() {
    REPLY=$(printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n' | sed 's/../%&/g')
}

# sns_publish TOPIC_ARN SUBJECT MESSAGE: publish to an SNS topic (query protocol, API version
# 2010-03-31). SNS takes a UTF-8 message of at most 256 KiB and an ASCII subject of at most
# 100 characters (SNS API Reference, Publish); a message SNS refuses as not UTF-8 is sent again
# with its bytes above 0x7f as '?'. 0 when published.
sns_publish() {
    local topic=$1 subject=$2 message=$3 body status attempt
    for attempt in 1 2; do
        body="Action=Publish&Version=2010-03-31"
        _form_encode "$topic"
        body+="&TopicArn=$REPLY"
        _form_encode "${subject:0:100}"
        body+="&Subject=$REPLY"
        _form_encode "$message"
        body+="&Message=$REPLY"
        _aws_post sns "" "application/x-www-form-urlencoded; charset=utf-8" "$body"
        status=${REPLY##*$'\n'}
        [[ $status == 200 ]] && return 0
        [[ $attempt == 1 && $status == 400 && $REPLY == *InvalidParameter* ]] || break
        message=$(printf '%s' "$message" | tr '\200-\377' '?')
    done
    printf 'cronmigrate: SNS Publish to %s: %s %s\n' "$topic" "$status" "${REPLY%$'\n'*}" >&2
    return 1
}

# guard_record TABLE KEY OUTCOME EXIT_STATUS DURATION_MS: write how a claimed run ended on its
# claim item ("<job>#<scheduled time>"), for `cronmigrate status`: outcome (ok, failed,
# timeout), exit status, duration, and when it ended. Only an existing claim is updated.
guard_record() {
    local table=$1 key=$2 outcome=$3 code=$4 ms=$5 ended body status
    ended=$(date -u +%Y-%m-%dT%H:%M:%SZ)
    body="{\"TableName\":\"$table\",\"Key\":{\"pk\":{\"S\":\"$key\"}},"
    body+="\"UpdateExpression\":\"SET outcome = :o, exit_status = :e, duration_ms = :d, ended = :t\","
    body+="\"ConditionExpression\":\"attribute_exists(pk)\",\"ExpressionAttributeValues\":{"
    body+="\":o\":{\"S\":\"$outcome\"},\":e\":{\"N\":\"$code\"},\":d\":{\"N\":\"$ms\"},"
    body+="\":t\":{\"S\":\"$ended\"}}}"
    _aws_post dynamodb DynamoDB_20120810.UpdateItem application/x-amz-json-1.0 "$body"
    status=${REPLY##*$'\n'}
    [[ $status == 200 ]] && return 0
    printf 'cronmigrate guard: recording the run: DynamoDB answered %s: %s\n' "$status" \
        "${REPLY%$'\n'*}" >&2
    return 1
}
