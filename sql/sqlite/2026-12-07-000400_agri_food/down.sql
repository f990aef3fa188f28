DROP TABLE lot_checks;
DROP TABLE agri_input_uses;
DROP TABLE agri_banned_inputs;
