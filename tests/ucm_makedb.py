#!/usr/bin/env python3
"""Builds a database as one version of the usecallmanagernz tools left it.

    ucm_makedb.py capf|tvs VERSION OUT.sqlite3 ROWS.json

VERSION is the commit whose CREATE TABLE made that table (the public
repository's history, usecallmanagernz/daemons); the statements below are
those tables' definitions, facts about the file format.  ROWS.json is a
list of objects, column -> value; "cert": "FILE.pem" fills the certificate
columns as capfd and tvsctl did (the PEM as bytes, the serial number as
minimal hex, dates as "%Y-%m-%d %H:%M:%S", the SHA-256 of the DER).
"""
import base64
import datetime
import hashlib
import json
import re
import sqlite3
import subprocess
import sys

CAPF = {
    'c0d3eb8': 'CREATE TABLE devices (device_name TEXT PRIMARY KEY, '
               'operation TEXT NOT NULL, key_size INTEGER, password TEXT, '
               'certificate TEXT, serial_number TEXT, not_valid_before TEXT, '
               'not_valid_after TEXT)',
    '8c0ed24': 'CREATE TABLE devices (device_name TEXT PRIMARY KEY, '
               'operation TEXT NOT NULL, password TEXT, key_size INTEGER, '
               'curve TEXT, certificate TEXT, serial_number TEXT, '
               'not_valid_before TEXT, not_valid_after TEXT) WITHOUT ROWID',
    '8596dd5': 'CREATE TABLE devices (device_name TEXT PRIMARY KEY, '
               'operation TEXT NOT NULL, authentication TEXT, password TEXT, '
               'key_size INTEGER, curve TEXT, certificate TEXT, '
               'serial_number TEXT, not_valid_before TEXT, '
               'not_valid_after TEXT) WITHOUT ROWID',
    'c6dedaf': 'CREATE TABLE devices (device_name TEXT PRIMARY KEY, '
               'operation TEXT NOT NULL, authentication TEXT, password TEXT, '
               'key_size INTEGER, curve_name TEXT, certificate TEXT, '
               'serial_number TEXT, not_valid_before TEXT, '
               'not_valid_after TEXT) WITHOUT ROWID',
}

TVS = {
    '4a372ed': 'CREATE TABLE certificates (certificate_hash TEXT PRIMARY KEY,'
               'serial_number TEXT NOT NULL UNIQUE,subject_name TEXT NOT NULL,'
               'certificate TEXT NOT NULL,roles TEXT NOT NULL,ttl INTEGER)',
    'c0d3eb8': 'CREATE TABLE certificates (certificate_hash TEXT PRIMARY KEY, '
               'serial_number TEXT NOT NULL, subject_name TEXT NOT NULL, '
               'issuer_name TEXT NOT NULL, certificate TEXT NOT NULL, '
               'roles TEXT NOT NULL, ttl INTEGER)',
    'ec141f0': 'CREATE TABLE certificates (id INTEGER PRIMARY KEY, '
               'certificate_hash TEXT UNIQUE NOT NULL, serial_number TEXT '
               'NOT NULL, subject_name TEXT NOT NULL, issuer_name TEXT NOT '
               'NULL, certificate TEXT NOT NULL, roles TEXT NOT NULL, '
               'ttl INTEGER)',
    '8c0ed24': 'CREATE TABLE certificates (certificate_hash TEXT PRIMARY KEY, '
               'serial_number TEXT NOT NULL, subject_name TEXT NOT NULL, '
               'issuer_name TEXT NOT NULL, certificate TEXT NOT NULL, '
               'roles TEXT NOT NULL, ttl INTEGER) WITHOUT ROWID',
}


def openssl(path, *args):
    return subprocess.run(['openssl', 'x509', '-in', path, '-noout', *args],
                          check=True, capture_output=True,
                          text=True).stdout.strip()


def cert_columns(path, table):
    pem = open(path, 'rb').read()
    body = re.search(rb'-----BEGIN CERTIFICATE-----(.*?)-----END',
                     pem, re.S).group(1)
    der = base64.b64decode(b''.join(body.split()))
    serial = openssl(path, '-serial').split('=', 1)[1].lower()
    serial = serial.lstrip('0')
    serial = ('0' if len(serial) % 2 else '') + serial
    out = {'certificate': pem, 'serial_number': serial}
    if table == 'devices':
        for column, option in (('not_valid_before', '-startdate'),
                               ('not_valid_after', '-enddate')):
            when = openssl(path, option).split('=', 1)[1]
            when = datetime.datetime.strptime(when, '%b %d %H:%M:%S %Y %Z')
            out[column] = when.strftime('%Y-%m-%d %H:%M:%S')
    else:
        out['certificate_hash'] = hashlib.sha256(der).hexdigest()
        out['subject_name'] = openssl(path, '-subject', '-nameopt',
                                      'RFC2253').split('=', 1)[1]
        out['issuer_name'] = openssl(path, '-issuer', '-nameopt',
                                     'RFC2253').split('=', 1)[1]
    return out


def main():
    kind, version, out, rows_file = sys.argv[1:5]
    create = (CAPF if kind == 'capf' else TVS)[version]
    table = 'devices' if kind == 'capf' else 'certificates'
    rows = json.load(open(rows_file)) if rows_file != '-' else []
    db = sqlite3.connect(out)
    db.execute(create)
    columns = [r[1] for r in db.execute(f'PRAGMA table_info({table})')]
    for row in rows:
        if 'cert' in row:
            # Columns the row gives win: a test may make them disagree.
            derived = cert_columns(row.pop('cert'), table)
            derived.update(row)
            row = derived
        row = {k: v for k, v in row.items() if k in columns}
        names = ', '.join(row)
        marks = ', '.join('?' * len(row))
        db.execute(f'INSERT INTO {table} ({names}) VALUES ({marks})',
                   list(row.values()))
    db.commit()
    db.close()


if __name__ == '__main__':
    main()
