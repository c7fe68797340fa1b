#!/usr/bin/env python3
"""Captures the OpenAPI document's examples from real answers of a running API.

Run `./run.sh` (Development, demo data) in one terminal, then `python3 scripts/capture-openapi-examples.py`.
Every operation of the document is called once or more in a realistic order (log in, quote, create, track, the carrier's
hooks, cancel, the VTEX service calls, spreadsheets, webhooks, the operator's admin calls); each JSON request body and
each JSON answer is kept, keyed by operation id and status, in src/Api/Common/OpenApiExamples.json, which the API embeds
and serves as the `example` of each request body and response (OpenApiExamples.cs). Lists are cut to two items and
tokens shortened, so the file stays readable. OpenApiExampleTests check that every operation has its examples and that
every example is valid against the document's schema: after an API change, run this again and review the diff.
"""
import base64
import datetime as dt
import json
import os
import sys
import time
import urllib.error
import urllib.request
import uuid
from zoneinfo import ZoneInfo

API = os.environ.get("API", "http://127.0.0.1:5080")
OUT = os.path.join(os.path.dirname(__file__), "..", "src", "Api", "Common", "OpenApiExamples.json")
SERVIENTREGA = "servientrega-50461c9f3335"
RUN = dt.datetime.now().strftime("%H%M%S")

examples = {}


def call(operation, method, path, body=None, token=None, basic=None, headers=None, expect=None, raw=None, content_type=None, keep=True):
    data = None
    hdrs = {"Accept": "application/json"}
    if headers:
        hdrs.update(headers)
    if body is not None:
        data = json.dumps(body).encode()
        hdrs["Content-Type"] = "application/json"
    if raw is not None:
        data = raw
        hdrs["Content-Type"] = content_type
    if token:
        hdrs["Authorization"] = token
    if basic:
        hdrs["Authorization"] = "Basic " + base64.b64encode(basic.encode()).decode()
    request = urllib.request.Request(API + path, data=data, method=method, headers=hdrs)
    try:
        with urllib.request.urlopen(request) as response:
            status, text, ctype = response.status, response.read(), response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as error:
        status, text, ctype = error.code, error.read(), error.headers.get("Content-Type", "")
    answer = json.loads(text) if "json" in ctype and text else None
    if expect is not None and status != expect:
        sys.exit(f"{operation}: {method} {path} answered {status}, expected {expect}: {text[:800]!r}")
    if keep:
        entry = examples.setdefault(operation, {"request": None, "responses": {}})
        if body is not None and entry["request"] is None and 200 <= status < 300:
            entry["request"] = body
        if answer is not None and str(status) not in entry["responses"]:
            entry["responses"][str(status)] = trim(answer)
    return status, answer, text


def trim(node, depth=0):
    """Lists cut to two items, JWTs shortened: an example to read, not a dump."""
    if isinstance(node, list):
        return [trim(item, depth + 1) for item in node[:2]]
    if isinstance(node, dict):
        return {key: trim(value, depth + 1) for key, value in node.items()}
    if isinstance(node, str) and node.startswith("eyJ") and node.count(".") == 2:
        return node[:36] + "…"
    return node


def business_day(zone, days, hour):
    """`days` Monday-to-Saturday days from today in `zone`, at `hour`, as ISO 8601 with the zone's offset."""
    moment = dt.datetime.now(ZoneInfo(zone)).replace(hour=hour, minute=0, second=0, microsecond=0)
    while days > 0:
        moment += dt.timedelta(days=1)
        if moment.weekday() != 6:
            days -= 1
    return moment


def order(reference, postal_code="06700"):
    dropoff = business_day("America/Mexico_City", 1, 10)
    delivery = business_day("America/Mexico_City", 3, 18)
    return {
        "recipientLocation": {
            "country": "mx", "state": "Ciudad de México", "city": "Ciudad de México", "municipality": "Cuauhtémoc",
            "neighborhood": "Roma Norte", "street": "Calle Orizaba", "exteriorNumber": "101", "interiorNumber": "Depto. 4",
            "postalCode": postal_code, "reference": "Portón verde, frente al parque", "latitude": 19.4194, "longitude": -99.1617,
        },
        "recipientInformation": {"name": "María Pérez", "phone": "+52 55 1234 5678", "email": "maria.perez@example.mx"},
        "packageInformation": {
            "weight": 1.5, "dimensions": {"length": 30, "width": 20, "height": 12},
            "declaredValue": 1200, "currency": "MXN", "description": "Caja con zapatos", "contents": "1 par de tenis",
            "cartaPorte": {"productKey": "53111600", "unitKey": "H87", "quantity": 1, "hazardousMaterial": False, "packagingKey": "4G"},
        },
        "shipperDropoffDate": dropoff.isoformat(),
        "expectedDeliveryDate": delivery.isoformat(),
        "shipperTrackingId": f"ACME-{reference}",
        "lotId": "wave-2026-12-01-am",
    }


def vtex_service(order_id):
    pickup = business_day("America/Bogota", 1, 10).astimezone(dt.timezone.utc)
    delivery = business_day("America/Bogota", 3, 16).astimezone(dt.timezone.utc)
    stamp = lambda d: d.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return {
        "orderId": order_id, "carrierId": SERVIENTREGA, "seller": "qaolimpica",
        "sender": {"name": "Tienda Olímpica", "phone": "+57 2305781612", "city": "Bogotá", "state": "Bogotá D.C.", "country": "CO",
                   "address": "Calle 72 # 10-34", "zipCode": "110221", "pickupDate": stamp(pickup)},
        "receiver": {"name": "Pansy Graves", "phone": "+57 4240807147", "email": "pansy_graves@zentime.moda",
                     "city": "Bogotá", "state": "Bogotá D.C.", "country": "Colombia", "neighborhood": "Chapinero",
                     "address": "Carrera 7 # 63-44", "number": "63-44", "addressComplement": "Apto 301", "reference": "Portería norte",
                     "location": {"latitude": 4.6486, "longitude": -74.0628}, "identification": "9541933267",
                     "zipCode": "110111", "deliveryDate": stamp(delivery), "contactName": "Savannah Porter"},
        "packages": [{"id": "6266df719ac55224b793ad36", "orderId": order_id, "envelope": "Grande", "description": "Paquete delicado",
                      "categories": ["Cellphone"], "dimensions": {"width": "68", "height": "43", "length": "13"}, "weight": "19",
                      "totalValue": 5616.01,
                      "items": [{"id": "6266df71a19ebe35637e1f42", "name": "Celular nokia AD1", "ean": "473390795673",
                                 "price": 774230.01, "weight": "4 kg", "quantity": 4}]}],
        "type": "PICKUP_DELIVERY", "carrierServiceType": "OTHERS", "paymentMethod": "CASH_ON_DELIVERY",
        "settings": [], "timezone": {"offset": -300, "value": "America/Bogota"},
    }


def main():
    # Access
    _, login, _ = call("LogIn", "GET", "/v1/login?key=demo-shipper", basic="integrations@demo-shipper.mx:demo-shipper-pass", expect=200)
    shipper = "Bearer " + login["data"]["token"]
    _, ops_login, _ = call("LogIn", "GET", "/v1/login?key=cargamos", basic="operator@cargamos.mx:operator-pass", expect=200, keep=False)
    operator = "Bearer " + ops_login["data"]["token"]
    _, audit_login, _ = call("LogIn", "GET", "/v1/login?key=cargamos", basic="auditor@cargamos.mx:auditor-pass", expect=200, keep=False)
    auditor = "Bearer " + audit_login["data"]["token"]
    _, carrier_token, _ = call("IssueCarrierToken", "POST", "/token", body={"apiKey": "bluexpress-demo-key"}, expect=200)
    bluexpress = carrier_token["data"]

    # Integration
    call("GetCoverage", "GET", "/v1/coverage/mx/06700", token=shipper, expect=200)
    call("GetCoverage", "GET", "/v1/coverage/mx/99999", token=shipper, expect=200, keep=False)
    call("QuoteDelivery", "POST", "/v1/rates", token=shipper, expect=200, body={
        "recipientLocation": {"country": "mx", "postalCode": "06700"},
        "packageInformation": {"weight": 1.5, "dimensions": {"length": 30, "width": 20, "height": 12}, "declaredValue": 1200, "currency": "MXN"},
    })
    call("QuoteDelivery", "POST", "/v1/rates", token=shipper, expect=409, body={
        "recipientLocation": {"country": "mx", "postalCode": "99999"},
        "packageInformation": {"weight": 1.5, "dimensions": {"length": 30, "width": 20, "height": 12}},
    })
    key = str(uuid.uuid4())
    _, created, _ = call("IntegrateDeliveryOrder", "POST", "/v1/delivery-orders", token=shipper, body=order(RUN + "1"),
                         headers={"Idempotency-Key": key}, expect=201)
    call("IntegrateDeliveryOrder", "POST", "/v1/delivery-orders", token=shipper, body=order(RUN + "1"),
         headers={"Idempotency-Key": key}, expect=201, keep=False)
    call("IntegrateDeliveryOrder", "POST", "/v1/delivery-orders?simulate=true", token=shipper, body=order(RUN + "2"), expect=200)
    bad = order(RUN + "3")
    bad["recipientInformation"].pop("name")
    bad["packageInformation"]["weight"] = -1
    call("IntegrateDeliveryOrder", "POST", "/v1/delivery-orders", token=shipper, body=bad, expect=400)
    call("IntegrateDeliveryOrder", "POST", "/v1/delivery-orders", token=shipper, body=order(RUN + "4", "99999"), expect=409)
    call("IntegrateDeliveryOrder", "POST", "/v1/delivery-orders", token=shipper, body=order(RUN + "5"), headers={"Idempotency-Key": key}, expect=422)
    shipment_id = created["data"]["shipmentId"]
    tracking_id = created["data"]["trackingId"]

    # A Blue Express shipment (Guadalajara) for the carrier's hooks
    _, gdl, _ = call("IntegrateDeliveryOrder", "POST", "/v1/delivery-orders", token=shipper, body=order(RUN + "6", "44100"), expect=201, keep=False)
    service = gdl["data"]["trackingId"]
    carrier = "627eb3b93a19fdc0cf5fe087"
    hook = f"/tracking/hook/{carrier}/{service}"
    call("UpdateService", "PATCH", hook, token=bluexpress, expect=200, body={"status": "PENDING"}, keep=False)
    call("UpdateService", "PATCH", hook, token=bluexpress, expect=200, body={
        "status": "ASSIGNED", "agent": {"id": "pedro1", "name": "Pedro Gómez", "identification": "PEGO800101", "phone": "+52 33 1234 5678",
                                        "email": "pedro@bluexpress.example", "vehicle": "SCOOTER"},
        "trackingUrl": "https://bluexpress.example/track/BX-88121"})
    call("UpdateService", "PATCH", hook, token=bluexpress, expect=409, body={"status": "DELIVERED"})
    call("AddServiceNotes", "POST", f"/tracking/hook/notes/{carrier}/{service}", token=bluexpress, expect=200,
         body=[{"type": "COMMENT", "note": "El paquete fue recogido", "author": "Pedro Gómez"}])
    call("AddServiceEvidences", "POST", f"/tracking/hook/evidences/{carrier}/{service}", token=bluexpress, expect=200,
         body=[{"type": "IMAGE", "content": "https://bluexpress.example/evidence/BX-88121-1.jpg", "author": "Pedro Gómez"}])
    call("AddServiceLabel", "POST", f"/tracking/hook/labels/{carrier}/{service}", token=bluexpress, expect=200,
         body={"id": "BX-88121", "url": "https://bluexpress.example/labels/BX-88121.pdf", "name": "Guía Blue Express", "type": "PDF"})
    call("PutServiceOnHold", "POST", f"/tracking/hook/on-hold/{carrier}/{service}", token=bluexpress, expect=200,
         body={"comment": "Nadie recibe en el domicilio", "type": "END_CLIENT_PAUSE"})
    call("UpdateService", "PATCH", hook, token=bluexpress, expect=200, body={"status": "PICKED"}, keep=False)
    call("UpdateService", "PATCH", hook, token=bluexpress, expect=200, body={"status": "ON_ROUTE"}, keep=False)
    call("GetVtexService", "GET", hook, token=bluexpress, expect=200)
    call("GetVtexService", "GET", f"/tracking/hook/{carrier}/CGM0000000000", token=bluexpress, expect=404)
    _, gdl2, _ = call("IntegrateDeliveryOrder", "POST", "/v1/delivery-orders", token=shipper, body=order(RUN + "7", "44100"), expect=201, keep=False)
    call("CancelServiceByCarrier", "POST", f"/tracking/hook/cancel/{carrier}/{gdl2['data']['trackingId']}", token=bluexpress, expect=200,
         body={"comment": "El cliente canceló la compra", "type": "END_CLIENT_CANCELED"})

    # Refused on a canceled service (the carrier canceled gdl2 above)
    canceled = gdl2["data"]["trackingId"]
    call("PutServiceOnHold", "POST", f"/tracking/hook/on-hold/{carrier}/{canceled}", token=bluexpress,
         body={"comment": "Nadie recibe en el domicilio", "type": "END_CLIENT_PAUSE"})
    call("AddServiceNotes", "POST", f"/tracking/hook/notes/{carrier}/{canceled}", token=bluexpress,
         body=[{"type": "COMMENT", "note": "El paquete fue recogido", "author": "Pedro Gómez"}])
    call("AddServiceLabel", "POST", f"/tracking/hook/labels/{carrier}/{service}", token=bluexpress,
         body={"id": "BX-88121", "url": "https://bluexpress.example/labels/BX-88121.pdf", "name": "Guía Blue Express", "type": "PDF"})

    # Shipments
    call("GetShipmentTracking", "GET", f"/v1/shipment-tracking/{service}", token=shipper, expect=200)
    call("GetShipmentTracking", "GET", "/v1/shipment-tracking/CGM0000000000", token=shipper, expect=404)
    call("ListShipments", "GET", "/v1/shipments?limit=2", token=shipper, expect=200)
    call("GetShipment", "GET", f"/v1/shipments/{service}", token=shipper, expect=200)
    call("GetShipmentEvents", "GET", f"/v1/shipments/{service}/events", token=auditor, expect=200)
    call("GetShipmentState", "GET", f"/v1/shipments/{service}/state?version=3", token=auditor, expect=200)
    call("GetShipmentLabels", "POST", "/v1/labels", token=shipper, body={"shipmentIds": [shipment_id, service]}, expect=200)
    call("GetShipmentLabels", "POST", "/v1/labels", token=shipper, body={"shipmentIds": [shipment_id, "CGM0000000000"]}, expect=404)
    call("CancelShipment", "POST", f"/v1/shipments/{tracking_id}/cancel", token=shipper,
         body={"type": "END_CLIENT_CANCELED", "comment": "El cliente canceló la compra"}, expect=200)
    call("CancelShipment", "POST", f"/v1/shipments/{service}/cancel", token=shipper, body={"type": "END_CLIENT_CANCELED", "comment": "Ya va en camino"}, expect=409)

    # VTEX service calls
    vtex = {"X-VTEX-API-AppKey": "vtexappkey-demo", "X-VTEX-API-AppToken": "vtex-demo-token"}
    call("QuoteVtexService", "POST", "/vtex/rates", headers=vtex, body=vtex_service(f"SLR-{RUN}-00"), expect=200)
    _, vtex_created, _ = call("CreateVtexService", "POST", "/vtex/services", headers=vtex, body=vtex_service(f"SLR-{RUN}-01"), expect=200)
    vtex_id = vtex_created["serviceId"]
    label_url = vtex_created["labels"][0]["url"]
    call("GetLinkedLabel", "GET", "/v1/labels/CfDJ8-not-a-token.pdf", expect=404)
    call("PauseVtexService", "POST", "/vtex/services/pause", headers=vtex, expect=200,
         body={"serviceId": vtex_id, "carrierId": SERVIENTREGA, "pause": True, "reason": "No hay quien reciba"})
    call("PauseVtexService", "POST", "/vtex/services/pause", headers=vtex, expect=200, keep=False,
         body={"serviceId": vtex_id, "carrierId": SERVIENTREGA, "pause": False, "reason": None})
    call("CancelVtexService", "POST", "/vtex/services/cancel", headers=vtex, expect=200,
         body={"serviceId": vtex_id, "carrierId": SERVIENTREGA, "reason": "La dirección de entrega esta mal registrada"})
    call("PauseVtexService", "POST", "/vtex/services/pause", headers=vtex, expect=409,
         body={"serviceId": vtex_id, "carrierId": SERVIENTREGA, "pause": True, "reason": "No hay quien reciba"})
    uncovered = vtex_service(f"SLR-{RUN}-02")
    uncovered["receiver"]["zipCode"] = "999999"
    uncovered["receiver"].pop("location")
    call("QuoteVtexService", "POST", "/vtex/rates", headers=vtex, body=uncovered, expect=409)
    call("CreateVtexService", "POST", "/vtex/services", headers=vtex, body=uncovered, expect=409)
    call("CancelVtexService", "POST", "/vtex/services/cancel", headers=vtex, expect=404,
         body={"serviceId": "CGM0000000000", "carrierId": SERVIENTREGA, "reason": "La dirección de entrega esta mal registrada"})

    # Spreadsheets
    status, template, csv = call("GetCsvTemplate", "GET", "/v1/delivery-orders/template.csv", expect=200)
    boundary = "cargamos" + uuid.uuid4().hex
    form = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"orders.csv\"\r\n"
            f"Content-Type: text/csv\r\n\r\n").encode() + csv + f"\r\n--{boundary}--\r\n".encode()
    _, lot, _ = call("UploadIntegrationLot", "POST", "/v1/integration-lots", token=shipper, raw=form,
                     content_type=f"multipart/form-data; boundary={boundary}", expect=202)
    lot_id = lot["data"]["lotId"]
    for _ in range(100):
        _, view, _ = call("GetIntegrationLot", "GET", f"/v1/integration-lots/{lot_id}", token=shipper, expect=200, keep=False)
        if view["data"]["status"] not in ("QUEUED", "PROCESSING"):
            break
        time.sleep(0.2)
    call("GetIntegrationLot", "GET", f"/v1/integration-lots/{lot_id}", token=shipper, expect=200)
    call("GetIntegrationLotResults", "GET", f"/v1/integration-lots/{lot_id}/results?limit=2", token=shipper, expect=200)
    call("ListIntegrationLots", "GET", "/v1/integration-lots?limit=2", token=shipper, expect=200)

    # Webhooks
    call("DeleteWebhook", "DELETE", "/v1/webhook", token=shipper, keep=False)
    call("GetWebhook", "GET", "/v1/webhook", token=shipper, expect=404)
    put = {"url": "https://hooks.example.mx/cargamos", "states": ["CREATED", "ON_ROUTE", "DELIVERED", "CANCELED"],
           "description": "Customer service notifications"}
    call("PutWebhook", "PUT", "/v1/webhook", token=shipper, body=put, expect=201)
    call("PutWebhook", "PUT", "/v1/webhook", token=shipper, body=put, expect=200)
    call("PutWebhook", "PUT", "/v1/webhook", token=shipper, body={"url": "ftp://hooks.example.mx", "states": []}, expect=400)
    call("GetWebhook", "GET", "/v1/webhook", token=shipper, expect=200)
    call("RotateWebhookSecret", "POST", "/v1/webhook/rotate-secret", token=shipper, expect=200)
    call("SuspendWebhook", "POST", "/v1/webhook/suspend", token=shipper, expect=200)
    call("SendTestWebhook", "POST", "/v1/webhook/test", token=shipper, expect=409)
    call("ResumeWebhook", "POST", "/v1/webhook/resume", token=shipper, expect=200)
    _, test, _ = call("SendTestWebhook", "POST", "/v1/webhook/test", token=shipper, expect=202)
    call("IntegrateDeliveryOrder", "POST", "/v1/delivery-orders", token=shipper, body=order(RUN + "8"), expect=201, keep=False)
    call("ListWebhookDeliveries", "GET", "/v1/webhook/deliveries?limit=2", token=shipper, expect=200)
    _, deliveries, _ = call("ListWebhookDeliveries", "GET", "/v1/webhook/deliveries?limit=1", token=shipper, expect=200, keep=False)
    message = deliveries["data"]["items"][0]["id"]
    for _ in range(50):  # 409 while its attempt is under way (the receiver does not exist), 202 once it waits for a retry
        status, _, _ = call("RedeliverWebhookMessage", "POST", f"/v1/webhook/deliveries/{message}/redeliver", token=shipper)
        if status == 202:
            break
        time.sleep(0.2)
    call("RedeliverWebhookMessage", "POST", f"/v1/webhook/deliveries/{uuid.uuid4()}/redeliver", token=shipper, expect=404)
    call("DeleteWebhook", "DELETE", "/v1/webhook", token=shipper, expect=200)

    # Reference data (operators)
    call("ListCoverageZones", "GET", "/v1/admin/coverage-zones", token=operator, expect=200)
    call("GetCoverageZone", "GET", "/v1/admin/coverage-zones/mx-gdl", token=operator, expect=200)
    zone = {"country": "mx", "name": "Puebla", "timeZone": "America/Mexico_City", "distributionCenter": "PUE-CENTRO",
            "defaultCarrierId": SERVIENTREGA, "postalCodeRanges": [{"from": "72000", "to": "72999"}], "postalCodes": ["73310"],
            "cities": ["Puebla", "Cholula"]}
    call("DeleteCoverageZone", "DELETE", f"/v1/admin/coverage-zones/mx-pue-{RUN}", token=operator, keep=False)
    call("PutCoverageZone", "PUT", f"/v1/admin/coverage-zones/mx-pue-{RUN}", token=operator, body=zone, expect=201)
    call("PutCoverageZone", "PUT", f"/v1/admin/coverage-zones/mx-pue-{RUN}", token=operator, body=zone, expect=200)
    overlap = dict(zone, postalCodeRanges=[{"from": "06000", "to": "06999"}])
    call("PutCoverageZone", "PUT", f"/v1/admin/coverage-zones/mx-other-{RUN}", token=operator, body=overlap, expect=409)
    call("DeleteCoverageZone", "DELETE", f"/v1/admin/coverage-zones/mx-pue-{RUN}", token=operator, expect=200)
    call("DeleteCoverageZone", "DELETE", "/v1/admin/coverage-zones/mx-cdmx", token=operator, expect=409)
    shipper_key = f"acme-{RUN}"
    contract = {
        "allowedCountries": ["mx"],
        "serviceLevels": [{"zoneId": "mx-cdmx", "minDays": 1, "maxDays": 3, "dropoffCutoffHour": 18,
                           "operatingDays": ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY"]}],
        "packageLimits": {"maxWeightKg": 30, "maxSideCm": 150, "maxSumOfSidesCm": 300, "maxDeclaredValue": 100000},
        "validFrom": "2024-01-01T00:00:00Z", "validTo": "2031-01-01T00:00:00Z"}
    new_shipper = {"key": shipper_key, "name": "ACME Envíos S.A. de C.V.",
                   "user": {"email": f"integrations@{shipper_key}.mx", "password": "a-long-secret-123"}, "contract": contract}
    call("CreateShipper", "POST", "/v1/admin/shippers", token=operator, expect=201, body=new_shipper)
    call("CreateShipper", "POST", "/v1/admin/shippers", token=operator, expect=409, body=new_shipper)
    call("GetShipper", "GET", "/v1/admin/shippers/demo-shipper", token=operator, expect=200)
    call("PutShipperContract", "PUT", f"/v1/admin/shippers/{shipper_key}/contract", token=operator, expect=200, body=contract)
    call("AddRateCard", "POST", f"/v1/admin/shippers/{shipper_key}/rate-cards", token=operator, expect=201, body={
        "currency": "MXN", "volumetricDivisor": 5000,
        "zones": [{"zoneId": "mx-cdmx", "bands": [{"upToKg": 1, "price": 79}, {"upToKg": 5, "price": 99}, {"upToKg": 10, "price": 139}],
                   "extraKgPrice": 12.5}],
        "insurance": {"rate": 0.015, "minimum": 10}, "validFrom": "2026-01-01T00:00:00Z", "validTo": "2027-01-01T00:00:00Z"})
    call("ListRateCards", "GET", f"/v1/admin/shippers/{shipper_key}/rate-cards", token=operator, expect=200)
    call("GetRateCard", "GET", f"/v1/admin/shippers/{shipper_key}/rate-cards/1", token=operator, expect=200)
    call("SuspendShipper", "POST", f"/v1/admin/shippers/{shipper_key}/suspend", token=operator, expect=200)
    call("ActivateShipper", "POST", f"/v1/admin/shippers/{shipper_key}/activate", token=operator, expect=200)

    # The errors of the pipeline (OpenApiConventions), the same for every operation that can answer them, in both shapes:
    # "_errors" the Cargamos envelope, "_protocolErrors" the VTEX-facing routes' (429, 500 and 503 are built by OpenApiExamples.cs).
    call("_errors", "GET", "/v1/shipments?limit=0", token=shipper, expect=400)
    call("_errors", "GET", "/v1/shipments", expect=401)
    call("_errors", "GET", "/v1/admin/coverage-zones", token=shipper, expect=403)
    call("_errors", "GET", "/v1/shipments/CGM0000000000", token=shipper, expect=404)
    big = json.dumps(dict(order(RUN + "9"), padding="x" * 300_000)).encode()
    call("_errors", "POST", "/v1/delivery-orders", token=shipper, raw=big, content_type="application/json", expect=413)
    call("_errors", "POST", "/v1/delivery-orders", token=shipper, raw=b"recipient=me", content_type="text/plain", expect=415)
    call("_protocolErrors", "PATCH", hook, token=bluexpress, body={"status": "FLYING"}, expect=400)
    call("_protocolErrors", "GET", hook, expect=401)
    call("_protocolErrors", "GET", f"/tracking/hook/{SERVIENTREGA}/{service}", token=bluexpress, expect=403)
    call("_protocolErrors", "GET", f"/tracking/hook/{carrier}/CGM0000000000", token=bluexpress, expect=404)
    big = json.dumps(dict(vtex_service(f"SLR-{RUN}-09"), padding="x" * 300_000)).encode()
    call("_protocolErrors", "POST", "/vtex/services", headers=vtex, raw=big, content_type="application/json", expect=413)
    call("_protocolErrors", "POST", "/vtex/services", headers=vtex, raw=b"orderId=1", content_type="text/plain", expect=415)
    # A refused transition, as the example of a 409 for operations without one of their own.
    examples["_errors"]["responses"]["409"] = examples["CancelShipment"]["responses"]["409"]
    examples["_protocolErrors"]["responses"]["409"] = examples["UpdateService"]["responses"]["409"]
    for generic in ("_errors", "_protocolErrors"):
        examples[generic].pop("request", None)

    ordered = {op: examples[op] for op in sorted(examples)}
    for entry in ordered.values():
        entry["responses"] = dict(sorted(entry["responses"].items()))
    with open(OUT, "w", encoding="utf-8") as out:
        json.dump(ordered, out, ensure_ascii=False, indent=2)
        out.write("\n")
    print(f"{len(ordered)} operations, {sum(len(e['responses']) for e in ordered.values())} answers -> {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
