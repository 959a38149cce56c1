DROP TABLE audit_log;
DROP TABLE face_encodings;
DROP TABLE persons;
