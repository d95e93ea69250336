/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Alibaba Cloud IoT Platform's login: client id "<id>|securemode=2,signmethod=<method>|" (id
 * --client-id, by default ProductKey.DeviceName; securemode 2 is TLS), username
 * "DeviceName&ProductKey", password the hex HMAC-SHA256 (or SHA-1) of
 * "clientId<id>deviceName<dn>productKey<pk>" keyed with the DeviceSecret (signature.c). No
 * timestamp is signed, so the gateway's clock plays no part. Endpoints and names are
 * endpoint.c's and identity.c's rules; keepalive 30 to 1200 s.
 */

#include "credentials.h"
#include "endpoint.h"
#include "identity.h"
#include "signature.h"

static int host(const struct crd_identity *who, const char *region, char *out, size_t size)
{
	return ep_region_host(out, size, who->product, region);
}

static int check(const struct crd_identity *who, char *err, size_t err_size)
{
	if (who->product != NULL && id_check(ID_PRODUCT_KEY, who->product, err, err_size) != 0)
		return -1;
	if (who->device != NULL && id_check(ID_DEVICE_NAME, who->device, err, err_size) != 0)
		return -1;
	if (who->client_id != NULL && id_check(ID_CLIENT_ID, who->client_id, err, err_size) != 0)
		return -1;
	return 0;
}

static int check_secret(const char *secret, char *err, size_t err_size)
{
	return crd_check_secret(secret, "DeviceSecret", err, err_size);
}

static int sign(const struct crd_identity *who, const char *secret, time_t now, const char *nonce,
                struct crd_login *out)
{
	char cid[CRD_FIELD_SIZE];
	char hex[SIG_HEX_SIZE];

	(void)now;
	(void)nonce;
	if (who->client_id != NULL ? crd_field(cid, "%s", who->client_id)
	                           : crd_field(cid, "%s.%s", who->product, who->device))
		return -1;
	if (sig_password(who->method, secret, cid, who->device, who->product, hex) != 0)
		return -1;
	if (crd_field(out->client_id, "%s|securemode=2,signmethod=%s|", cid,
	              sig_method_name(who->method)) != 0 ||
	    crd_field(out->username, "%s&%s", who->device, who->product) != 0 ||
	    crd_field(out->password, "%s", hex) != 0)
		return -1;
	out->psk_identity[0] = out->psk_hex[0] = '\0';
	return 0;
}

/*
 * A device's topics: its custom ones (/ProductKey/DeviceName/user/...), the thing model's
 * (/sys/...), and those of the extensions, device shadow and OTA, which name the device after
 * their own levels (/ext/ntp/..., /shadow/update/..., /ota/device/upgrade/...). The broadcast
 * topics (/broadcast/ProductKey/...) are the product's, not the device's. Subscriptions may use
 * '+' and '#' within the device's topics.
 */
static const char *const topic_spaces[] = {
    "/{p}/{d}",          "/sys/{p}/{d}",          "/ext/*/{p}/{d}",
    "/shadow/*/{p}/{d}", "/ota/device/*/{p}/{d}", NULL};

const struct crd_platform crd_aliyun = {
    .name = "aliyun",
    .title = "Alibaba Cloud IoT Platform",
    .product = {"--product-key", "product_key", "ProductKey"},
    .device = {"--device-name", "device_name", "DeviceName"},
    .secret_word = "DeviceSecret",
    .client_id_chosen = true,
    .port = EP_DEFAULT_PORT,
    .tls = CRD_TLS_CERT,
    .keepalive_min = 30,
    .keepalive_max = 1200,
    .publish_per_s = 0,
    .clock = CRD_CLOCK_NONE,
    .nonce = false,
    .min_clock = 0,
    .login_comment = "securemode=2 is TLS. The signature covers the identity alone, with no "
                     "timestamp:\nthe gateway's clock is exactly what may be wrong when it "
                     "first connects.",
    .topic_spaces = topic_spaces,
    .subscribe_wildcards = true,
    .regions = EP_REGION_LIST,
    .host = host,
    .check = check,
    .check_secret = check_secret,
    .sign = sign,
};
