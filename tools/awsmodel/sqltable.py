#!/usr/bin/env python3
"""Teach the aws CLI and boto3 hob's own sqlTable topic-rule action.

botocore validates request parameters against AWS's service model, so
`aws iot create-topic-rule` refuses an action key AWS does not define.
This script reads the iot model of the installed botocore, adds
sqlTable to the Action structure (driver, dsn, table, columns; see
docs/rules.md) and writes the result under DIR, where botocore looks
first when AWS_DATA_PATH=DIR:

    python3 tools/awsmodel/sqltable.py ~/.hob/aws-models
    export AWS_DATA_PATH=~/.hob/aws-models

Nothing of AWS's model is kept in this repository; the file is made
from the botocore on the machine.
"""
import gzip
import json
import os
import sys

import botocore

API = "2015-05-28"


def load_iot_model():
    base = os.path.join(os.path.dirname(botocore.__file__), "data", "iot", API)
    for name, opener in (("service-2.json", open), ("service-2.json.gz", gzip.open)):
        path = os.path.join(base, name)
        if os.path.exists(path):
            with opener(path, "rt", encoding="utf-8") as f:
                return json.load(f)
    sys.exit(f"no iot model under {base}")


def add_sqltable(model):
    shapes = model["shapes"]
    shapes["HobSqlTableString"] = {"type": "string"}
    shapes["HobSqlTableColumns"] = {
        "type": "map",
        "key": {"shape": "HobSqlTableString"},
        "value": {"shape": "HobSqlTableString"},
    }
    shapes["HobSqlTableAction"] = {
        "type": "structure",
        "required": ["driver", "dsn", "table"],
        "members": {
            "driver": {"shape": "HobSqlTableString", "documentation": "sqlite or postgres"},
            "dsn": {"shape": "HobSqlTableString"},
            "table": {"shape": "HobSqlTableString"},
            "columns": {"shape": "HobSqlTableColumns"},
        },
        "documentation": "hob's own action: insert the rule's output as a row.",
    }
    shapes["Action"]["members"]["sqlTable"] = {"shape": "HobSqlTableAction"}
    return model


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: sqltable.py DIR")
    out = os.path.join(sys.argv[1], "iot", API)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "service-2.json"), "w", encoding="utf-8") as f:
        json.dump(add_sqltable(load_iot_model()), f)


if __name__ == "__main__":
    main()
