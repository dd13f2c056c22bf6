"""Discovery metadata for a release: MLCommons Croissant (`croissant.json`), a schema.org
Dataset (JSON-LD, for the data card's page) and Zenodo's `.zenodo.json`.

Only facts present in the descriptor and the tables are written: no address, DOI or date
is made up. A URL appears only where the descriptor has one (a `homepage`, source paths,
licence paths).
"""

from __future__ import annotations

import hashlib

import pyarrow as pa

from ...errors import UsageError
from ._common import json_bytes

PARQUET = "application/x-parquet"
CROISSANT_CONTEXT = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}
#: Table Schema field type -> Croissant data type.
DATA_TYPES = {
    "string": "sc:Text",
    "integer": "sc:Integer",
    "boolean": "sc:Boolean",
    "date": "sc:Date",
    "number": "sc:Float",
}


def _year(descriptor: dict) -> str:
    return str(descriptor.get("created", ""))[:10]


def _creators(descriptor: dict) -> list[dict]:
    people = [c for c in descriptor.get("contributors") or [] if c.get("role", "author") == "author"]
    return [{"@type": "Organization" if "contributors" in c["title"] else "Person", "name": c["title"]} for c in people]


def _licence_url(descriptor: dict) -> str | None:
    licences = descriptor.get("licenses") or []
    return licences[0].get("path") or licences[0].get("name") if licences else None


def _source_urls(descriptor: dict) -> list[str]:
    return sorted({s["path"] for s in descriptor.get("sources") or [] if s.get("path", "").startswith("http")})


def _resources(descriptor: dict, tables: dict[str, pa.Table]) -> list[dict]:
    resources = [r for r in descriptor.get("resources", []) if r["name"] in tables]
    missing = sorted(set(tables) - {r["name"] for r in resources})
    if missing:
        raise UsageError(f"tables {missing} are not resources of the descriptor; pass the release's datapackage.json")
    return resources


def croissant(tables: dict[str, pa.Table], descriptor: dict, files: dict[str, bytes]) -> dict[str, bytes]:
    """`{"croissant.json": ...}`: every Parquet table as a FileObject (sha256) and a RecordSet.

    `files` maps each data file's release path (`data/quotes.parquet`) to its bytes. List
    columns are left out of the record sets (their rows are in the link tables, e.g.
    `document_authors`); a foreign key becomes a `references` only when its target record
    set has no references of its own, because mlcroissant cannot follow two-step chains.
    """
    resources = _resources(descriptor, tables)
    distribution, record_sets = [], []
    referencing = {r["name"] for r in resources if r["schema"].get("foreignKeys")}
    for res in resources:
        if res["path"] not in files:
            raise UsageError(f"no bytes for {res['path']}; pass every data file of the release in `files`")
        file_id = res["path"].rsplit("/", 1)[-1]
        distribution.append(
            {
                "@type": "cr:FileObject",
                "@id": file_id,
                "name": file_id,
                "contentUrl": res["path"],
                "encodingFormat": PARQUET,
                "sha256": hashlib.sha256(files[res["path"]]).hexdigest(),
            }
        )
        refs = {}
        for fk in res["schema"].get("foreignKeys", []):
            target = fk["reference"]["resource"]
            if len(fk["fields"]) == 1 and target not in referencing:
                refs[fk["fields"][0]] = f"{target}/{fk['reference']['fields'][0]}"
        fields = []
        for f in res["schema"]["fields"]:
            if f["type"] not in DATA_TYPES:
                continue
            field = {
                "@type": "cr:Field",
                "@id": f"{res['name']}/{f['name']}",
                "name": f"{res['name']}/{f['name']}",
                "description": f.get("description", ""),
                "dataType": DATA_TYPES[f["type"]],
                "source": {"fileObject": {"@id": file_id}, "extract": {"column": f["name"]}},
            }
            if f["name"] in refs:
                field["references"] = {"field": {"@id": refs[f["name"]]}}
            fields.append(field)
        key = res["schema"].get("primaryKey", [])
        record_set = {
            "@type": "cr:RecordSet",
            "@id": res["name"],
            "name": res["name"],
            "description": res.get("description", ""),
            "field": fields,
        }
        if key:
            record_set["key"] = [{"@id": f"{res['name']}/{k}"} for k in key]
        record_sets.append(record_set)
    data = {
        "@context": CROISSANT_CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": "http://mlcommons.org/croissant/1.0",
        "name": descriptor["name"],
        "description": descriptor.get("description", ""),
        "version": descriptor["version"],
        "datePublished": _year(descriptor),
        "creator": _creators(descriptor),
        "keywords": descriptor.get("keywords", []),
        "license": _licence_url(descriptor),
        "citeAs": descriptor.get("x_citation"),
        "distribution": distribution,
        "recordSet": record_sets,
    }
    if _source_urls(descriptor):
        data["isBasedOn"] = _source_urls(descriptor)
    if descriptor.get("homepage"):
        data["url"] = descriptor["homepage"]
    return {"croissant.json": json_bytes({k: v for k, v in data.items() if v not in (None, "")})}


def dataset_jsonld(descriptor: dict, tables: dict[str, pa.Table]) -> dict[str, bytes]:
    """`{"dataset.jsonld": ...}`: a schema.org Dataset, to embed in or place beside the data card."""
    resources = _resources(descriptor, tables)
    data = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "name": descriptor.get("title", descriptor["name"]),
        "alternateName": descriptor["name"],
        "description": descriptor.get("description", ""),
        "version": descriptor["version"],
        "datePublished": _year(descriptor),
        "creator": _creators(descriptor),
        "keywords": descriptor.get("keywords", []),
        "license": _licence_url(descriptor),
        "citation": descriptor.get("x_citation"),
        "isBasedOn": _source_urls(descriptor) or None,
        "url": descriptor.get("homepage"),
        "variableMeasured": sorted({f"{r['name']}.{f['name']}" for r in resources for f in r["schema"]["fields"]}),
        "distribution": [
            {
                "@type": "DataDownload",
                "name": r["name"],
                "contentUrl": r["path"],
                "encodingFormat": PARQUET,
                **({"sha256": r["hash"].removeprefix("sha256:")} if r.get("hash") else {}),
            }
            for r in resources
        ],
    }
    return {"dataset.jsonld": json_bytes({k: v for k, v in data.items() if v not in (None, "", [])})}


def zenodo_json(descriptor: dict) -> bytes:
    """`.zenodo.json` for a repository deposit: a dataset, with only the descriptor's facts."""
    creators = [
        {"name": c["title"]} for c in descriptor.get("contributors") or [] if c.get("role", "author") == "author"
    ]
    licences = descriptor.get("licenses") or []
    data = {
        "upload_type": "dataset",
        "title": descriptor.get("title", descriptor["name"]),
        "description": descriptor.get("description"),
        "version": descriptor.get("version"),
        "publication_date": _year(descriptor) or None,
        "creators": creators,
        "license": licences[0]["name"].lower() if licences else None,
        "keywords": descriptor.get("keywords"),
        "related_identifiers": [
            {"identifier": url, "relation": "references", "scheme": "url"} for url in _source_urls(descriptor)
        ]
        or None,
    }
    return json_bytes({k: v for k, v in data.items() if v not in (None, "", [])})
