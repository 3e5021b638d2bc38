#!/usr/bin/env python3
"""The certificate, thing and policy lifecycle through boto3, against hob.

Configuration comes from the environment, as for any boto3 program:
AWS_ENDPOINT_URL_IOT (hob's URL), AWS_CA_BUNDLE (hob's CA), AWS_ACCESS_KEY_ID,
AWS_SECRET_ACCESS_KEY and AWS_DEFAULT_REGION.

The script creates a certificate, a thing and a policy, attaches them,
checks the attachments with the list calls, then tears everything down in
the order AWS requires (deactivate, detach the policy, detach the thing,
delete the certificate, the thing and the policy). Before each step it
tries the deletions that the remaining attachments forbid and checks that
they fail with AWS's error codes. It exits 0 when every check passes and 1
at the first one that does not.
"""

import json
import os
import sys
import uuid

import boto3
from botocore.exceptions import ClientError


class CheckFailed(Exception):
    """A check of the lifecycle did not hold."""


def check(cond, what):
    if not cond:
        raise CheckFailed(what)


def fails_with(code, call, **kwargs):
    """Runs call(**kwargs), which must fail with the AWS error code."""
    try:
        call(**kwargs)
    except ClientError as err:
        got = err.response["Error"]["Code"]
        check(got == code, f"{call.__name__}: got {got} ({err}), want {code}")
        check(err.response["Error"].get("Message"), f"{call.__name__}: {code} without a message")
        return
    raise CheckFailed(f"{call.__name__}({kwargs}) succeeded; want {code}")


def lifecycle(iot):
    suffix = uuid.uuid4().hex[:8]
    thing, policy = f"boto3-thing-{suffix}", f"boto3-policy-{suffix}"
    document = json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "iot:Connect",
                       "Resource": "arn:aws:iot:*:*:client/${iot:Connection.Thing.ThingName}"}],
    })

    cert = iot.create_keys_and_certificate(setAsActive=True)
    cert_id, cert_arn = cert["certificateId"], cert["certificateArn"]
    check(len(cert_id) == 64 and cert_arn.endswith(":cert/" + cert_id), f"certificate {cert_id} {cert_arn}")
    check("PRIVATE KEY" in cert["keyPair"]["PrivateKey"], "keyPair.PrivateKey is missing")
    desc = iot.describe_certificate(certificateId=cert_id)["certificateDescription"]
    check(desc["status"] == "ACTIVE", f"new certificate status {desc['status']}")
    check(desc["creationDate"].year >= 2024, f"creationDate {desc['creationDate']!r}")

    iot.create_thing(thingName=thing)
    created = iot.create_policy(policyName=policy, policyDocument=document)
    check(created["policyVersionId"] == "1", f"policy version {created['policyVersionId']}")

    iot.attach_policy(policyName=policy, target=cert_arn)
    iot.attach_thing_principal(thingName=thing, principal=cert_arn)

    attached = iot.list_attached_policies(target=cert_arn)["policies"]
    check([p["policyName"] for p in attached] == [policy], f"list_attached_policies {attached}")
    targets = iot.list_targets_for_policy(policyName=policy)["targets"]
    check(targets == [cert_arn], f"list_targets_for_policy {targets}")
    principals = iot.list_thing_principals(thingName=thing)["principals"]
    check(principals == [cert_arn], f"list_thing_principals {principals}")
    things = iot.list_principal_things(principal=cert_arn)["things"]
    check(things == [thing], f"list_principal_things {things}")

    # Out of order: every deletion that an attachment or the ACTIVE status forbids.
    fails_with("CertificateStateException", iot.delete_certificate, certificateId=cert_id)
    fails_with("DeleteConflictException", iot.delete_policy, policyName=policy)
    fails_with("InvalidRequestException", iot.delete_thing, thingName=thing)

    iot.update_certificate(certificateId=cert_id, newStatus="INACTIVE")
    fails_with("DeleteConflictException", iot.delete_certificate, certificateId=cert_id)
    iot.detach_policy(policyName=policy, target=cert_arn)
    fails_with("DeleteConflictException", iot.delete_certificate, certificateId=cert_id)
    iot.detach_thing_principal(thingName=thing, principal=cert_arn)
    iot.delete_certificate(certificateId=cert_id)
    iot.delete_thing(thingName=thing)
    iot.delete_policy(policyName=policy)

    fails_with("ResourceNotFoundException", iot.describe_certificate, certificateId=cert_id)
    fails_with("ResourceNotFoundException", iot.describe_thing, thingName=thing)
    fails_with("ResourceNotFoundException", iot.get_policy, policyName=policy)
    listed = [c["certificateId"] for c in iot.list_certificates()["certificates"]]
    check(cert_id not in listed, "deleted certificate is still listed")
    listed = [p["policyName"] for p in iot.list_policies()["policies"]]
    check(policy not in listed, "deleted policy is still listed")
    listed = [t["thingName"] for t in iot.list_things()["things"]]
    check(thing not in listed, "deleted thing is still listed")


def main():
    for var in ("AWS_ENDPOINT_URL_IOT", "AWS_CA_BUNDLE"):
        if not os.environ.get(var):
            print(f"boto3_lifecycle: {var} is not set", file=sys.stderr)
            return 2
    try:
        lifecycle(boto3.client("iot"))
    except (CheckFailed, ClientError) as err:
        print(f"boto3_lifecycle: FAIL: {err}", file=sys.stderr)
        return 1
    print("boto3_lifecycle: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
