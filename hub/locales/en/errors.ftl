# Error messages by error code (`error-<code>`), for the API and the portal.
# English API answers keep the message the error was raised with; the portal uses these.
# Every code of registry::error::Code has its message here (a test of the hub checks).

# Messages the portal shows next to a form field.
error-required = Required.
error-invalid_number = Enter a number.
error-invalid_date = Enter a date (YYYY-MM-DD).
error-invalid_choice = Choose one of the options.
error-invalid_text = Required, and not too long.
error-invalid_credit_code = Not a valid Unified Social Credit Code (18 characters with a correct check character).
error-invalid_company_prefix = Not a valid GS1 company prefix.
error-invalid_phone = Enter 5 to 20 digits; '+', '-', spaces and brackets are allowed.
error-invalid_email = Not an e-mail address.
error-invalid_coordinate = Latitude must be between -90 and 90, longitude between -180 and 180.
error-invalid_category = Choose at least one category.
error-invalid_region = Not a region code (six digits, GB/T 2260).
error-credit_code_taken = An enterprise with this credit code is registered already.
error-company_prefix_taken = This company prefix belongs to another enterprise.
error-username_taken = This username is taken.
error-invalid_username = Use 3 to 64 characters: a-z, 0-9, '.', '_' or '-'.
error-weak_password = The password must have at least 10 characters.
error-invalid_password = This password cannot be used.
error-invalid_display_name = Required, at most 200 characters.
error-binding_required = An officer must belong to a department.
error-binding_not_allowed = Only officers belong to a department.
error-unknown_department = No such department.
error-invalid_gln = Not a valid GLN (13 digits with a correct check digit).
error-gln_taken = This GLN is registered to a site already.
error-invalid_gtin = Not a valid GTIN (8, 12, 13 or 14 digits with a correct check digit).
error-gtin_not_yours = This GTIN is not within the enterprise's GS1 company prefix.
error-category_not_registered = The enterprise is not registered for this category.
error-invalid_shelf_life = Enter 1 to 36500 days.
error-invalid_country = Use two-letter ISO 3166 country codes, e.g. CN, VN.
error-gtin_taken = This GTIN is filed already.
error-invalid_lot = Up to 20 letters, digits and GS1 symbols (no spaces).
error-invalid_quantity = Enter a quantity in the allowed range: above zero, and at most 1,000,000 stamps in one order.
error-invalid_unit = Enter a unit of at most 20 characters.
error-unknown_product = Choose one of the enterprise's products.
error-invalid_expiry = The expiry date cannot be before the production date.
error-unknown_site = Choose one of the enterprise's sites.
error-unknown_batch = No batch has this id.
error-lot_taken = This lot of this product is filed already.
error-invalid_validity = The end of validity cannot be before its start.
error-licence_taken = A licence of this type and number is on file already.
error-reason_required = Give the reason, for the enterprise to read.
error-empty_update = Nothing was changed.
error-change_pending = A change of key data already awaits review; wait for the decision.
error-change_decided = This change was decided already.
error-enterprise_not_active = Only an active enterprise can do this.
error-enterprise_revoked = A revoked enterprise cannot change anything.
error-invalid_transition = This decision does not apply to the enterprise's current status.
error-outside_jurisdiction = This is outside your department's jurisdiction.
error-invalid_code = Use 1 to 32 characters: A-Z, a-z, 0-9, '-', '_' or '.'.
error-invalid_name = Required, at most 200 characters.
error-department_code_taken = This department code is taken.
error-invalid_page = Not a valid page.
error-invalid_sort = The list cannot be sorted this way.
error-not_found = There is no such page, or it is not yours to see.
error-forbidden = You may not do this.
error-cannot_deactivate_self = You cannot deactivate yourself.
error-conflict = This clashes with a record on file.
error-internal_error = The hub failed to answer; the error is logged.
error-database_unavailable = The database cannot be reached; try again shortly.
error-csrf_missing = The form was not sent from this site's page, or has expired. Reload the page and try again.
error-csrf_invalid = The form has expired. Reload the page and try again.
error-insufficient_scope = Your credential does not allow this.
error-payload_too_large = What was sent is too large.
error-unreadable_body = What was sent could not be read.
error-alert_not_open = The alert is not open any more.
error-alert_closed = The alert is closed already.
error-already_listed = The enterprise is on the blacklist already.
error-listing_removed = The listing was removed already.
error-not_yet_removable = The listing cannot be removed yet: one year after listing at the earliest.
error-confirmation_required = Both confirmations are needed to remove a listing.
error-unknown_enterprise = No such enterprise.
error-invalid_locale = Choose one of the languages.
error-publish_needs_product = Only a document about a product or batch can be published.
error-unsupported_content_type = This kind of file is not accepted: use PDF, OFD, an image, XML, JSON, text, CSV or ZIP.
error-empty_document = The file is empty: choose the document's file.
error-batch_not_of_product = This batch is of another product.
error-invalid_sha256 = Enter the SHA-256 as 64 hexadecimal characters.
error-invalid_document_type = Choose one of the document types.
error-capture_not_own_site = The event's read point or business location is not one of your registered sites.
error-capture_not_own_product = The event is about an object that is neither your product nor one you received.
error-capture_outside_category = The event is about a product outside this system's category.
error-capture_no_category = This regulator system is bound to no category and captures nothing.
error-unregistered_gln = The event names a GLN of no registered site or enterprise.

# Stamps
error-enterprise_blacklisted = The enterprise is on the blacklist: it gets no stamps.
error-enterprise_suspended = The enterprise is suspended: it gets no stamps.
error-batch_not_own = The batch is not one of the enterprise's batches.
error-batch_other_product = The batch is of another product than the stamps.
error-stamp_already_activated = A stamp of the range is already activated; nothing was activated.
error-stamp_revoked = A stamp of the range is revoked; nothing was activated.
error-stamp_conflict = Stamps of the range changed meanwhile; nothing was changed.
error-not_issuing_department = Only an officer of the issuing department can do this.
error-invalid_range = The range of stamps is not within the order.
error-invalid_layout = The label grid cannot be printed.
error-stamps_unconfigured = The hidden-code keys of stamps are not configured.
error-missing_target = Say which stamps: a serial or an order.

# The public stamp resolver.
error-invalid_digital_link = Not a stamp link: /01/GTIN/21/SERIAL or /01/GTIN/10/LOT/21/SERIAL, with a valid GTIN.
error-invalid_location = Latitude must be between -90 and 90 and longitude between -180 and 180, both or neither.
error-link_type_not_found = No link of this type is available for this product.
error-unknown_serial = No stamp with this serial was issued for this product.
error-too_many_wrong_codes = Too many wrong codes. Try again later.
error-verification_unavailable = Verification is not available at the moment.
error-invalid_serial = Enter the serial printed under the code (up to 20 characters).
error-invalid_hidden_code = Enter the code under the scratch-off layer.
error-invalid_description = Say what looks wrong (up to 4,000 characters).
error-too_long = At most 200 characters.

# Credentials and requests (mostly for API clients).
error-unauthenticated = Sign in, or present a valid access token.
error-invalid_authorization = The Authorization header must be `Bearer <token>`.
error-invalid_credentials = Wrong username or password.
error-invalid_token = The access token is not valid.
error-token_expired = The access token has expired.
error-token_revoked = The access token was revoked.
error-user_inactive = The user is deactivated.
error-user_not_active = A deactivated user cannot be given an access token.
error-session_expired = The session has ended; sign in again.
error-too_many_attempts = Too many attempts. Try again later.
error-method_not_allowed = This address does not accept this request method.
error-unsupported_media_type = This type of content is not accepted here.
error-invalid_json = What was sent is not valid JSON.
error-invalid_field = A field is missing or has the wrong format.
error-invalid_form = The form could not be read.
error-invalid_multipart = The form (multipart/form-data) could not be read.
error-invalid_query = A query parameter has the wrong format.
error-unknown_query_parameter = This address does not take that query parameter.
error-invalid_page_token = This page token was not issued by this hub.
error-invalid_role = Choose one of the roles.
error-invalid_scope = Use the scopes read or write.
error-invalid_token_name = Required, at most 200 characters.
error-invalid_change = The change of key data cannot be read.
error-invalid_job = A background job needs a kind and at least one attempt.
error-invalid_secret_key = The secret key must be 64 hexadecimal characters.

# EPCIS capture and tracing.
error-malformed_epcis = The EPCIS document is not well-formed XML or JSON.
error-xml_refused = The XML was refused for safety: no DTD or entities, and no nesting too deep.
error-invalid_epcis = Not a valid EPCIS document or event.
error-capture_race = Another capture took the event numbers at the same moment; send the document again.
error-invalid_identifier = Enter the GS1 identifier of a product, lot or item (EPC URN or GS1 Digital Link).
error-not_own_object = An enterprise traces only its own products, lots and items, and itself.

# Enterprise import files.
error-invalid_lines = The file has bad lines, so nothing was written; see the report.
error-invalid_header = The header row of the file cannot be used: a column is missing, unknown or repeated.
error-invalid_csv = This line cannot be read as CSV: check the quotes and the number of fields.
error-invalid_encoding = The file is not UTF-8: save it as UTF-8 and try again.
error-invalid_credit_tier = Use a credit tier of A, B, C or D.
error-invalid_value = This value cannot be used.
